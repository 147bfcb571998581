"""The methods of a Pool: ordered or not, lazy or not, one argument or several, waiting or not.

Lesson: "Pool Methods".

`Pool.map` is only one way to hand work to a pool. Each method answers a different need:

    pool.map(f, items)             a list, in the order of the items, once every task is done
    pool.imap(f, items)            an iterator: each result in the order of the items, as soon
                                   as it (and every one before it) is ready
    pool.imap_unordered(f, items)  an iterator: each result as soon as it is ready, in the order
                                   the tasks finish
    pool.starmap(f, arg_tuples)    like map, but calls f(*args) for each tuple: f(a, b), not f((a, b))
    pool.apply_async(f, args)      one task; returns an AsyncResult at once, and
                                   result.get(timeout=s) waits for it, at most s seconds
    pool.map_async(f, items)       like map, but returns an AsyncResult at once, so the caller
                                   can do something else while the workers compute

`imap` lets you start using the first results while the others are still being computed;
`imap_unordered` does not make a fast result wait behind a slow one. Both take a `chunksize`
too, which is 1 by default.

`get(timeout=...)` raises `multiprocessing.TimeoutError` (not the builtin TimeoutError) when the
result is not ready in time. The task goes on running in its worker: to stop it, the pool must
be terminated, which is what leaving a `with Pool(...) as pool:` block does. (Waiting with
close() and join() would wait for the stuck task forever.)

A generator can keep a pool open while the caller takes results: put the `with` block in the
generator and `yield` inside it; the pool closes when the last result has been taken.

Functions you pass to a pool must be defined at module level (workers find them by name).
"""

import multiprocessing  # noqa: F401  (you will need it, for multiprocessing.TimeoutError)
from multiprocessing import Pool  # noqa: F401


def ordered_lazily(func, items, workers):
    """Yield func(item) for every item, in the order of the items, each as soon as it is ready.

    A generator: the caller can use the first result while later items are still being computed.

    Args:
        func: a function defined at module level, taking one item.
        items: a list of items.
        workers: how many worker processes the pool should have.

    Yields:
        func(item) for every item, in the order of `items`.

    Example:
        >>> list(ordered_lazily(abs, [-1, 2, -3], workers=2))
        [1, 2, 3]
    """
    # TODO: in a `with Pool(workers)` block, yield each result of pool.imap(func, items).
    raise NotImplementedError("ordered_lazily: inside a `with Pool(workers)` block, yield the results of pool.imap(func, items)")


def in_completion_order(func, items, workers):
    """Yield func(item) for every item, in the order the tasks finish, each as soon as it is ready.

    Args:
        func: a function defined at module level, taking one item.
        items: a list of items.
        workers: how many worker processes the pool should have.

    Yields:
        func(item) for every item, once each, a fast result never waiting behind a slow one.

    Example:
        >>> sorted(in_completion_order(abs, [-1, 2, -3], workers=2))
        [1, 2, 3]
    """
    # TODO: like ordered_lazily, with the method that does not keep the order of the items.
    raise NotImplementedError("in_completion_order: yield the results of pool.imap_unordered(func, items) inside a `with Pool(workers)` block")


def map_unpacked(func, arg_tuples, workers):
    """Call func(*args) for every tuple of arguments on `workers` processes; results in order.

    Args:
        func: a function defined at module level, taking as many arguments as each tuple holds.
        arg_tuples: a list of argument tuples, such as [(2, 3), (3, 2)].
        workers: how many worker processes the pool should have.

    Returns:
        [func(*args) for args in arg_tuples], computed in worker processes, in order.

    Example:
        >>> map_unpacked(pow, [(2, 3), (3, 2)], workers=2)
        [8, 9]
    """
    # TODO: the pool method that unpacks each tuple into the function's arguments.
    raise NotImplementedError("map_unpacked: return pool.starmap(func, arg_tuples) from a `with Pool(workers)` block")


def collect_with_timeout(func, items, workers, timeout_s):
    """Run func on every item with apply_async; give up on any result that takes too long.

    Submit every item first. Then wait for the results in order, each with
    get(timeout=timeout_s); a result that is not ready by then is given as None. Leave no task
    running: a task that timed out is still running in its worker, so terminate the pool.

    Args:
        func: a function defined at module level, taking one item (it may never finish).
        items: a list of items.
        workers: how many worker processes the pool should have.
        timeout_s: how long to wait for each result, in seconds.

    Returns:
        A list with func(item), or None where that result was not ready in time, in order.

    Example:
        >>> collect_with_timeout(math.factorial, [5, 10**8, 3], workers=2, timeout_s=0.5)
        [120, None, 6]   # 10**8! takes minutes: given up on after half a second
    """
    # TODO: in a `with Pool(workers)` block: one apply_async(func, (item,)) per item, then a
    # TODO: get(timeout=timeout_s) for each, catching multiprocessing.TimeoutError.
    raise NotImplementedError("collect_with_timeout: submit each item with pool.apply_async(func, (item,)), then get(timeout=timeout_s) each result")


def map_in_background(func, items, workers, meanwhile):
    """Start func over the items on a pool, call meanwhile() while they run, then wait for them.

    meanwhile is your program's own work, done in this process while the workers compute:
    it must start after the tasks have been handed to the pool, not after they are done.

    Args:
        func: a function defined at module level, taking one item.
        items: a list of items.
        workers: how many worker processes the pool should have.
        meanwhile: a function of no arguments, called once in this process.

    Returns:
        A pair: the list [func(item) for item in items], in order, and what meanwhile() returned.

    Example:
        >>> map_in_background(abs, [-1, 2], 2, meanwhile=lambda: "tea")
        ([1, 2], 'tea')
    """
    # TODO: map_async gives you an AsyncResult at once; call meanwhile(), then get() the results.
    raise NotImplementedError("map_in_background: start pool.map_async(func, items), call meanwhile(), then get() the results")
