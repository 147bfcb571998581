"""Hostile: a Pool created at module level, on import, and never shut down."""
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize, map_small_tasks  # noqa: F401

pool = Pool(2)


def parallel_map(func, items, workers):
    return pool.map(func, items)
