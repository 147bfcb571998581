"""Best practices: code that works on every machine, reports errors, and never leaves a mess.

Lesson: "Best Practices" and "Common Pitfalls".

Parallel code that works on your machine can fail on the next one. The habits that prevent it:

1. Work under every start method. A child started by *spawn* (macOS's and Windows' default) or
   *forkserver* (Linux's default from Python 3.14) is a fresh interpreter: it imports your
   module by name and receives pickled copies of what you send it. So:
   - send only functions defined at module level: not a lambda, not a function defined inside
     another function (they cannot be pickled);
   - do not rely on module globals filled in by the parent: the child never ran that code.
     State a worker needs goes in through `Pool(initializer=..., initargs=...)`, once per
     worker, instead of with every task;
   - in a script, start processes only under `if __name__ == "__main__":`, or every child
     re-runs your script's top level when it imports it.
   Under *fork* (Linux's default up to 3.13) a child inherits a copy of the parent's memory, so
   all three mistakes go unnoticed there, and fail elsewhere.
2. Report errors with their context. An exception in one task should not throw away every
   other result, and the error should say which input caused it. Catch it in the worker, in a
   small module-level wrapper, and send it back as data.
3. Never wait forever. A stuck task holds its worker; give up after a deadline, and stop the
   pool with terminate() (leaving a `with Pool(...)` block does that), since close() and join()
   would wait for the stuck task.
4. Shut down cleanly. On an error or on Ctrl-C (KeyboardInterrupt, raised in the main process
   while it waits), stop every worker and let the exception reach the caller: a `with` block
   (or try/finally) makes sure no orphan process is left running.
"""

from multiprocessing import Pool, TimeoutError  # noqa: F401  (you will need them)


def process_all(func, items, workers):
    """Apply func to every item on a pool; an error in one item must not lose the others.

    Args:
        func: a function defined at module level, taking one item.
        items: a list of items.
        workers: how many worker processes.

    Returns:
        (results, errors), both in the order of items: results holds (item, func(item)) for
        every item that succeeded, errors holds (item, "TypeName: message") for every item whose
        call raised an Exception. A KeyboardInterrupt (Ctrl-C) while waiting must reach the
        caller, with every worker stopped.

    Example:
        >>> process_all(int, ["1", "x", "3"], workers=2)
        ([('1', 1), ('3', 3)], [('x', "ValueError: invalid literal for int() with base 10: 'x'")])
    """
    # TODO: write a module-level wrapper that calls func(item) and returns the result or the
    # TODO: error's text (catch Exception); map it over the items on a Pool in a `with` block.
    raise NotImplementedError("process_all: write a module-level wrapper that catches a task's exception, then map it over the items on a Pool")


def run_with_timeout(func, items, workers, timeout_s):
    """Apply func to every item on a pool, but give up on whatever is not done after timeout_s.

    Args:
        func: a function defined at module level, taking one item; some calls may never end.
        items: a list of items.
        workers: how many worker processes.
        timeout_s: seconds from the call, for all items together.

    Returns:
        A list in the order of items: func(item), or None for an item not done in time. No
        worker may be left running: stop the pool, stuck workers included.

    Example:
        >>> run_with_timeout(sleep_then_square, [1, 60, 3], workers=2, timeout_s=1.0)
        [1, None, 9]
    """
    # TODO: submit every item with apply_async; get() each with the time left until the
    # TODO: deadline (multiprocessing.TimeoutError means None); make sure the pool is terminated.
    raise NotImplementedError("run_with_timeout: submit every item with pool.apply_async, then get() each with the time left")


def lookup_all(table, keys, workers):
    """Look keys up in a large table, in worker processes that each receive the table once.

    Send the table with the pool's initializer, which stores it in a module global of each
    worker, not with every key (that would pickle it again for every chunk of work), and not
    by filling that global in the parent only (a spawned worker never sees it).

    Args:
        table: a dict.
        keys: a list of keys of the table.
        workers: how many worker processes.

    Returns:
        [table[key] for key in keys], looked up in the workers.

    Example:
        >>> lookup_all({"a": 1, "b": 2}, ["b", "a", "b"], workers=2)
        [2, 1, 2]
    """
    # TODO: write a module-level initializer that stores the table in a global, and a
    # TODO: module-level function that looks one key up in it; Pool(initializer=..., initargs=...).
    raise NotImplementedError("lookup_all: give the table to each worker with Pool(initializer=..., initargs=(table,))")
