"""Hostile: every task parallel_map hands out loops forever."""
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize, map_small_tasks  # noqa: F401


def _forever(item):
    while True:
        pass


def parallel_map(func, items, workers):
    with Pool(workers) as pool:
        return pool.map(_forever, items)
