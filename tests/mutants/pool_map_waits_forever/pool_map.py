"""Known wrong: waits for a "done" message that no worker ever sends, so the call never returns
and none of its processes runs while it waits."""
import multiprocessing
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize  # noqa: F401


def parallel_map(func, items, workers):
    done = multiprocessing.Queue()
    with Pool(workers) as pool:
        results = [pool.apply_async(func, (item,)) for item in items]
        done.get()
        return [result.get() for result in results]


def map_small_tasks(func, items, workers):
    return parallel_map(func, items, workers)
