"""Known wrong: parallel in structure, but one chunk holds all items but one, so one worker does
nearly all the work and the other idles. Only the stopwatch can tell."""
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize, map_small_tasks  # noqa: F401


def parallel_map(func, items, workers):
    with Pool(workers) as pool:
        return pool.map(func, items, chunksize=max(1, len(items) - 1))
