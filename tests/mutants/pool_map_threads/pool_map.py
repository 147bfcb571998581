"""Known wrong: a ThreadPool, whose threads share one GIL, instead of a process Pool."""
from multiprocessing.pool import ThreadPool

from solutions.pool_map import choose_chunksize  # noqa: F401


def parallel_map(func, items, workers):
    with ThreadPool(workers) as pool:
        return pool.map(func, items)


def map_small_tasks(func, items, workers):
    with ThreadPool(workers) as pool:
        return pool.map(func, items, chunksize=choose_chunksize(len(items), workers))
