"""Known wrong: collect_with_timeout catches the builtin TimeoutError, which get(timeout=...)
does not raise."""
from multiprocessing import Pool

from solutions.pool_methods import (in_completion_order, map_in_background,  # noqa: F401
                                    map_unpacked, ordered_lazily)


def collect_with_timeout(func, items, workers, timeout_s):
    with Pool(workers) as pool:
        pending = [pool.apply_async(func, (item,)) for item in items]
        results = []
        for result in pending:
            try:
                results.append(result.get(timeout=timeout_s))
            except TimeoutError:
                results.append(None)
        return results
