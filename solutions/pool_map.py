"""Reference solution for pool_map."""

import math
from multiprocessing import Pool


def parallel_map(func, items, workers):
    with Pool(workers) as pool:
        return pool.map(func, items)


def choose_chunksize(n_items, workers):
    return max(1, math.ceil(n_items / (4 * workers)))


def map_small_tasks(func, items, workers):
    items = list(items)
    with Pool(workers) as pool:
        return list(pool.imap(func, items, chunksize=choose_chunksize(len(items), workers)))
