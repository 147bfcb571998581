"""Known wrong: chunksize=len(items), so one worker gets everything."""
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize  # noqa: F401


def parallel_map(func, items, workers):
    with Pool(workers) as pool:
        return pool.map(func, items, chunksize=max(1, len(items)))


def map_small_tasks(func, items, workers):
    return parallel_map(func, items, workers)
