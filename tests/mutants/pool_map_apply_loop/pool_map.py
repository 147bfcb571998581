"""Known wrong: pool.apply blocks until its task is done, so tasks never overlap."""
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize, map_small_tasks  # noqa: F401


def parallel_map(func, items, workers):
    with Pool(workers) as pool:
        return [pool.apply(func, (item,)) for item in items]
