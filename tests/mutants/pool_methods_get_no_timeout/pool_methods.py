"""Known wrong: collect_with_timeout calls get() with no timeout, so it waits forever for a
stuck task."""
from multiprocessing import Pool

from solutions.pool_methods import (in_completion_order, map_in_background,  # noqa: F401
                                    map_unpacked, ordered_lazily)


def collect_with_timeout(func, items, workers, timeout_s):
    with Pool(workers) as pool:
        pending = [pool.apply_async(func, (item,)) for item in items]
        return [result.get() for result in pending]
