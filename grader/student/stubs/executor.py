"""ProcessPoolExecutor: the modern interface to a pool of worker processes.

Lesson: "ProcessPoolExecutor" (Key Takeaways: "Modern, clean pool interface").

`concurrent.futures.ProcessPoolExecutor` runs functions on worker processes, like
`multiprocessing.Pool`, but hands you a *future* for every call:

    with ProcessPoolExecutor(max_workers=4) as executor:
        future = executor.submit(func, x)      # returns at once; func(x) runs in a worker
        future.result()                        # waits, then gives func(x) or raises its exception

    as_completed(futures)     yields each future as it finishes, fastest first
    executor.map(func, items) gives the results in the order of the items (like Pool.map)

What a future does for you:

* An exception raised in a worker travels back: `future.result()` raises it in your process,
  with its own type and message. Catch it there, per task, and the other results survive.
* `future.cancel()` stops a task that has not started yet (it returns False for one already
  running). `executor.shutdown(cancel_futures=True)` cancels every task still waiting.
* `future.result(timeout=s)` raises TimeoutError after s seconds, but the task goes on running
  in its worker, and shutdown() waits for running tasks, so leaving a `with` block waits for
  it too. To stop a stuck task you must stop its worker: Python 3.14 and later have
  `executor.terminate_workers()`. Before 3.14 there is no public way: take the worker
  processes from `executor._processes` (a dict of pid to Process) first, then call
  `executor.shutdown(wait=False, cancel_futures=True)`, then terminate() each of them.
* If a worker dies in the middle of a task (killed, out of memory, a crash in C code), the
  executor cannot tell which task was lost, so it marks itself *broken*: every unfinished future
  raises `concurrent.futures.process.BrokenProcessPool`. A `multiprocessing.Pool` in the same
  situation waits forever.

(Python 3.14 also lets `executor.map(..., buffersize=n)` read the items lazily, n at a time.)

The functions you give an executor, and its items, are pickled and sent to the workers, so
they must be defined at module level.
"""

from concurrent.futures import ProcessPoolExecutor, as_completed  # noqa: F401  (you will need them)
from concurrent.futures.process import BrokenProcessPool  # noqa: F401


def results_as_completed(func, items, workers):
    """Run func on every item and collect (item, result) pairs in the order the tasks finish.

    Submit every item first, then take the futures from as_completed(). A future does not know
    its item, so keep a dict from future to item.

    Args:
        func: a function defined at module level, taking one item.
        items: a list of distinct items.
        workers: how many worker processes to use.

    Returns:
        A list of (item, func(item)) pairs, the first task to finish first.

    Example:
        >>> results_as_completed(slow_for_small_numbers, [1, 2, 3], workers=3)
        [(3, 9), (2, 4), (1, 1)]
    """
    # TODO: submit every item, remember which future is which item, then loop over as_completed().
    raise NotImplementedError("results_as_completed: submit every item to a ProcessPoolExecutor, then collect (item, result) pairs from as_completed()")


def executor_map(func, items, workers):
    """Apply func to every item on `workers` processes; return the results in item order.

    Args:
        func: a function defined at module level, taking one item.
        items: a list of items.
        workers: how many worker processes to use.

    Returns:
        [func(item) for item in items], computed in worker processes.

    Example:
        >>> executor_map(abs, [-1, 2, -3], workers=2)
        [1, 2, 3]
    """
    # TODO: in a `with ProcessPoolExecutor(max_workers=workers)` block, return executor.map's results as a list.
    raise NotImplementedError("executor_map: return list(executor.map(func, items)) from a ProcessPoolExecutor(max_workers=workers)")


def errors_by_item(func, items, workers):
    """Run func on every item; keep each result, and each exception raised in a worker.

    Args:
        func: a function defined at module level, taking one item; it raises for some items.
        items: a list of distinct items.
        workers: how many worker processes to use.

    Returns:
        (results, errors): two dicts. results maps each item whose task succeeded to its
        result; errors maps each item whose task raised to the exception object itself (with its
        own type and message, as future.result() raised it).

    Example:
        >>> errors_by_item(int, ["1", "x"], workers=2)
        ({'1': 1}, {'x': ValueError("invalid literal for int() with base 10: 'x'")})
    """
    # TODO: submit every item; for each future, call result() inside try/except Exception.
    raise NotImplementedError("errors_by_item: submit every item, then call each future's result() in a try/except and sort results from errors")


def first_to_finish(func, items, workers):
    """Run func on the items, keep the first result that comes back, and cancel the rest.

    Tasks that are still waiting to start must never run: cancel their futures (or shut the
    executor down with cancel_futures=True). Tasks already running are left to finish; the
    executor hands its workers one task more than it has workers in advance, and those count
    as running too.

    Args:
        func: a function defined at module level, taking one item.
        items: a list of distinct items.
        workers: how many worker processes to use.

    Returns:
        (item, result, cancelled): the item whose task finished first, its result, and how many
        futures were cancelled (so never ran).

    Example:
        >>> first_to_finish(slow_except_for_2, [1, 2, 3, 4], workers=2)
        (2, 4, 1)
    """
    # TODO: submit all; take the first future from as_completed(); cancel the others; count the cancelled.
    raise NotImplementedError("first_to_finish: submit every item, take the first future from as_completed() and cancel() the rest")


def result_or_none(func, arg, timeout_s):
    """Run func(arg) in a worker process; give up on it after timeout_s seconds.

    Args:
        func: a function defined at module level, taking one argument.
        arg: its argument.
        timeout_s: how long to wait for the result, in seconds.

    Returns:
        func(arg) if it came back within timeout_s; otherwise None, returned right after the
        timeout, with the worker stopped: nothing may be left running.

    Example:
        >>> result_or_none(time.sleep, 60, timeout_s=0.5)   # returns after about half a second
        None
    """
    # TODO: submit; future.result(timeout=timeout_s); on TimeoutError stop the worker (see the module docstring).
    raise NotImplementedError("result_or_none: submit func(arg) to a ProcessPoolExecutor and wait with future.result(timeout=timeout_s)")


def run_surviving_a_crash(func, items, workers):
    """Run func on every item, where one task may kill its worker; never hang, never raise.

    Args:
        func: a function defined at module level, taking one item; for some item the worker
            process running it dies.
        items: a list of distinct items.
        workers: how many worker processes to use.

    Returns:
        (results, lost): results maps each item whose task finished to its result; lost is the
        sorted list of the items whose future raised BrokenProcessPool instead.

    Example:
        >>> run_surviving_a_crash(square_or_crash, [1, -2], workers=2)
        ({1: 1}, [-2])
    """
    # TODO: submit every item; for each future, catch BrokenProcessPool from result().
    raise NotImplementedError("run_surviving_a_crash: submit every item to a ProcessPoolExecutor and catch BrokenProcessPool from each future's result()")
