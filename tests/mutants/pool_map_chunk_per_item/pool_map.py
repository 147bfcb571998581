"""Known wrong: imap's default chunksize of 1, one message per item."""
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize, parallel_map  # noqa: F401


def map_small_tasks(func, items, workers):
    with Pool(workers) as pool:
        return list(pool.imap(func, items))
