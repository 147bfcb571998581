"""Known wrong: collect_with_timeout gives up on the stuck result, then waits for the pool
with close() and join()."""
import multiprocessing
from multiprocessing import Pool

from solutions.pool_methods import (in_completion_order, map_in_background,  # noqa: F401
                                    map_unpacked, ordered_lazily)


def collect_with_timeout(func, items, workers, timeout_s):
    pool = Pool(workers)
    pending = [pool.apply_async(func, (item,)) for item in items]
    results = []
    for result in pending:
        try:
            results.append(result.get(timeout=timeout_s))
        except multiprocessing.TimeoutError:
            results.append(None)
    pool.close()
    pool.join()
    return results
