"""Known wrong: a pool of one worker, whatever `workers` says; the chunks are well sized."""
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize


def parallel_map(func, items, workers):
    with Pool(1) as pool:
        return pool.map(func, items)


def map_small_tasks(func, items, workers):
    items = list(items)
    with Pool(1) as pool:
        return list(pool.imap(func, items, chunksize=choose_chunksize(len(items), workers)))
