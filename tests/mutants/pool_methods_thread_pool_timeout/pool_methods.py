"""Known wrong: collect_with_timeout runs the tasks on a ThreadPool, threads of the calling
process, where a stuck task can never be stopped."""
import multiprocessing
from multiprocessing.pool import ThreadPool

from solutions.pool_methods import (in_completion_order, map_in_background,  # noqa: F401
                                    map_unpacked, ordered_lazily)


def collect_with_timeout(func, items, workers, timeout_s):
    with ThreadPool(workers) as pool:
        pending = [pool.apply_async(func, (item,)) for item in items]
        results = []
        for result in pending:
            try:
                results.append(result.get(timeout=timeout_s))
            except multiprocessing.TimeoutError:
                results.append(None)
        return results
