"""A worker pool with callbacks: results gathered, failures recorded, progress as tasks finish.

Lesson: "Practical Patterns", "Worker Pool with Callbacks".

`pool.apply_async(func, (item,), callback=on_result, error_callback=on_error)` hands one task to
the pool and returns at once. When the task returns, the pool calls `on_result(result)`; when it
raises, `on_error(exception)`, with the very exception the worker raised. Without an
error_callback the exception stays in the AsyncResult, and if nobody calls its get() the
failure is lost without a word.

Where do callbacks run? Not in the workers: in YOUR process, on a thread the pool keeps for
results (its "result thread"), one callback after another, as the tasks finish. So:

- a callback can be any callable, even a lambda or a nested function (it is never pickled),
  and it can change your own dicts and counters directly;
- a callback is given only the result, not the item. Bind the item when you submit,
  `callback=functools.partial(store, item)`; a lambda that reads the loop's `item` when it
  runs sees whatever item the loop has reached by then;
- a callback runs at the same time as your main thread. State that both change needs a lock
  (a `threading.Lock`), held around the whole read-modify-write, in both:

      with tracker.lock:
          tracker.in_flight -= 1

  and never held while you wait for the pool: a callback waiting for the lock would never
  finish, and neither would your wait;
- a callback that raises stops the result thread: keep callbacks short and safe.

`pool.close()` then `pool.join()` waits for every task and every callback; leaving a
`with Pool(...)` block before that terminates the pool, and the tasks still in it.

The grader hands `run_tracked` a tracker whose counters behave like plain ints, except that a
read made without holding `tracker.lock` pauses, so that an unlocked read-modify-write loses
updates on every run, not once a month.
"""

import threading
from functools import partial  # noqa: F401  (you will need it)
from multiprocessing import Pool  # noqa: F401


class Tracker:
    """What run_tracked keeps up to date, for trying it by hand (the grader passes its own).

    in_flight: tasks submitted whose callback has not run yet; done: tasks that returned;
    failed: tasks that raised; results / errors: item -> result / item -> exception.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = 0
        self.done = 0
        self.failed = 0
        self.results = {}
        self.errors = {}


def collect_results(func, items, workers):
    """Run func(item) for every item with apply_async; gather results and failures by item.

    Args:
        func: a function defined at module level, taking one item; it may raise.
        items: a list of items (each can be a dict key).
        workers: how many worker processes the pool should have.

    Returns:
        A pair of dicts (results, errors): results[item] = what func(item) returned, for the
        items whose task returned; errors[item] = the exception func(item) raised, the exception
        object itself, for the items whose task raised.

    Example:
        >>> collect_results(math.sqrt, [4, -1, 9], workers=2)
        ({4: 2.0, 9: 3.0}, {-1: ValueError('math domain error')})
    """
    # TODO: one apply_async per item, with callback= and error_callback= that store under the
    # TODO: item (bind it with functools.partial); then close() and join() the pool.
    raise NotImplementedError("collect_results: submit each item with pool.apply_async(func, (item,), callback=..., error_callback=...), storing results and exceptions under their item")


def map_with_progress(func, items, workers, on_progress):
    """Run func on every item; call on_progress(done, total) each time a task finishes.

    Reports come as the tasks finish, whatever their order: from a callback, never by waiting
    for the results one after another in the order of the items.

    Args:
        func: a function defined at module level, taking one item.
        items: a list of items.
        workers: how many worker processes the pool should have.
        on_progress: called in your process as on_progress(done, total) once per finished task:
            done = how many tasks have finished so far (1, 2, ... len(items)), total = len(items).

    Returns:
        [func(item) for item in items], in the order of the items.

    Example:
        >>> map_with_progress(abs, [-1, 2], workers=2, on_progress=print)
        1 2
        2 2
        [1, 2]
    """
    # TODO: count finished tasks in a callback and call on_progress(count, len(items)) there;
    # TODO: after close() and join(), return each AsyncResult's get(), in the order of the items.
    raise NotImplementedError("map_with_progress: submit each item with apply_async(func, (item,), callback=...) and call on_progress(done, total) from that callback")


def run_tracked(func, jobs, workers, tracker):
    """Run func on every job as it arrives, keeping `tracker` up to date from the main thread
    and from callbacks; return once every callback has run.

    For each job: submit it, and add 1 to tracker.in_flight. When its task returns, its callback
    takes 1 off in_flight, adds 1 to done and stores results[job]; when it raises, its
    error_callback takes 1 off in_flight, adds 1 to failed and stores errors[job] (the
    exception). Hold tracker.lock around every one of those changes, in both threads.

    Args:
        func: a function defined at module level, taking one job; it may raise.
        jobs: an iterable of jobs that may arrive over time: callbacks of earlier jobs run
            while you are still submitting later ones.
        workers: how many worker processes the pool should have.
        tracker: an object like Tracker above, all counters 0 and dicts empty at the start.

    Returns:
        None; when it returns, in_flight is 0 and done + failed is the number of jobs.

    Example:
        >>> tracker = Tracker()
        >>> run_tracked(math.sqrt, iter([4, -1]), workers=2, tracker=tracker)
        >>> tracker.in_flight, tracker.done, tracker.failed, tracker.results
        (0, 1, 1, {4: 2.0})
    """
    # TODO: for each job: with tracker.lock, add 1 to in_flight; apply_async with callbacks that,
    # TODO: with tracker.lock, update the counters and dicts. Then close() and join() the pool.
    raise NotImplementedError("run_tracked: for each job, add 1 to tracker.in_flight under tracker.lock and submit it with callback= and error_callback= that update the tracker under tracker.lock")
