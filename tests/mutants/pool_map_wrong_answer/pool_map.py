"""Known wrong: an off-by-one drops the last item, and the chunksize rule rounds down (62
instead of 63, and 0 for fewer items than chunks)."""
from multiprocessing import Pool

from solutions.pool_map import map_small_tasks  # noqa: F401


def parallel_map(func, items, workers):
    with Pool(workers) as pool:
        return pool.map(func, items[:len(items) - 1])


def choose_chunksize(n_items, workers):
    return n_items // (4 * workers)
