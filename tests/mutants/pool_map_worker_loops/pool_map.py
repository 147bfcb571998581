"""Known wrong: each worker loops forever in the function it was given and never calls func, so
the call never returns while its workers keep the CPU busy and none of the grader's tasks begins."""
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize  # noqa: F401


def _apply_until_done(func, item):
    result = None
    while result is None:
        pass
    return result


def parallel_map(func, items, workers):
    with Pool(workers) as pool:
        return pool.starmap(_apply_until_done, [(func, item) for item in items])


def map_small_tasks(func, items, workers):
    return parallel_map(func, items, workers)
