"""Process pools: the same function over many items, on several worker processes at once.

Lesson: "Process Pools", "Using Pool", and the row "Many small tasks: Pool with chunksize".

Starting a process costs milliseconds, so instead of one process per item a *pool* starts a few
worker processes once and feeds them items. `Pool.map(func, items)` cuts the items into chunks,
sends each chunk to a free worker, and gives the results back in the order of the items. Each
worker is a separate Python interpreter with its own GIL, so CPU-bound work really runs in
parallel: on 2 cores it can finish in about half the time.

Sending an item to a worker is not free either: it is pickled, written to a pipe and read back.
For tiny tasks that costs more than the work itself, so send them in chunks: the *chunksize* is
how many items travel together in one message.

The functions you pass to a pool must be defined at module level (workers find them by name),
and the pool must be shut down when you are done: `with Pool(workers) as pool:` does that.
"""

from multiprocessing import Pool  # noqa: F401  (you will need it)


def parallel_map(func, items, workers):
    """Apply `func` to every item on a pool of `workers` processes; return the results in order.

    Args:
        func: a function defined at module level, taking one item.
        items: a list of items.
        workers: how many worker processes the pool should have.

    Returns:
        A list with func(item) for every item, in the same order as `items`.

    Example:
        >>> parallel_map(abs, [-1, 2, -3], workers=2)
        [1, 2, 3]
    """
    # TODO: create a Pool of `workers` processes in a `with` block and return pool.map(func, items).
    raise NotImplementedError("parallel_map: create a Pool(workers) in a `with` block and return pool.map(func, items)")


def choose_chunksize(n_items, workers):
    """How many items to send per message so that each worker gets about four chunks.

    Args:
        n_items: how many items there are (may be 0).
        workers: how many worker processes share them.

    Returns:
        ceil(n_items / (4 * workers)), and never less than 1.

    Example:
        >>> choose_chunksize(1000, 4)
        63
    """
    # TODO: return the chunk size; math.ceil helps.
    raise NotImplementedError("choose_chunksize: return ceil(n_items / (4 * workers)), at least 1")


def map_small_tasks(func, items, workers):
    """Like parallel_map, for thousands of tiny items: send them in chunks, not one by one.

    Use `pool.imap(func, items, chunksize=...)`, whose default chunksize of 1 would send every
    item in a message of its own, with the chunksize from choose_chunksize().

    Args:
        func: a function defined at module level, taking one item.
        items: a list of items.
        workers: how many worker processes the pool should have.

    Returns:
        A list with func(item) for every item, in order.

    Example:
        >>> map_small_tasks(abs, list(range(-3, 3)), workers=2)
        [3, 2, 1, 0, 1, 2]
    """
    # TODO: in a `with Pool(workers)` block, collect pool.imap(func, items, chunksize=...) in a list.
    raise NotImplementedError("map_small_tasks: use pool.imap with chunksize=choose_chunksize(len(items), workers)")
