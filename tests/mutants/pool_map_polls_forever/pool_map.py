"""Known wrong: polls the results in a busy loop whose test is off by one, so the loop never
ends; the workers sit idle while the calling process spins."""
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize  # noqa: F401


def parallel_map(func, items, workers):
    with Pool(workers) as pool:
        results = [pool.apply_async(func, (item,)) for item in items]
        done = []
        while len(done) <= len(results):
            done = [result.get() for result in results if result.ready()]
        return done


def map_small_tasks(func, items, workers):
    return parallel_map(func, items, workers)
