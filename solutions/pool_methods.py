"""Reference solution for pool_methods."""

import multiprocessing
from multiprocessing import Pool


def ordered_lazily(func, items, workers):
    with Pool(workers) as pool:
        yield from pool.imap(func, items)


def in_completion_order(func, items, workers):
    with Pool(workers) as pool:
        yield from pool.imap_unordered(func, items)


def map_unpacked(func, arg_tuples, workers):
    with Pool(workers) as pool:
        return pool.starmap(func, arg_tuples)


def collect_with_timeout(func, items, workers, timeout_s):
    # Leaving the `with` block terminates the pool, which stops a task that timed out.
    with Pool(workers) as pool:
        pending = [pool.apply_async(func, (item,)) for item in items]
        results = []
        for result in pending:
            try:
                results.append(result.get(timeout=timeout_s))
            except multiprocessing.TimeoutError:
                results.append(None)
        return results


def map_in_background(func, items, workers, meanwhile):
    with Pool(workers) as pool:
        pending = pool.map_async(func, items)
        own = meanwhile()
        return pending.get(), own
