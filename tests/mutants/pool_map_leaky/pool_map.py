"""Known wrong: a pool kept at module level "for reuse" is never shut down, so its workers
outlive every call. (A pool merely dropped is not a reliable leak: CPython's garbage collector
terminates it at some unknown later moment.)"""
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize, map_small_tasks  # noqa: F401

_pool = None


def parallel_map(func, items, workers):
    global _pool
    if _pool is None:
        _pool = Pool(workers)
    return _pool.map(func, items)
