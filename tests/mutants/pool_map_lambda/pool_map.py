"""Known wrong: a lambda handed to the pool. Under fork it seems to work; under spawn and
forkserver (macOS, Windows, Linux from Python 3.14) it cannot be pickled."""
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize, map_small_tasks  # noqa: F401


def parallel_map(func, items, workers):
    with Pool(workers) as pool:
        return pool.map(lambda item: func(item), items)
