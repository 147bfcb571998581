"""Known wrong: ordered_lazily returns pool.map's list, so no result comes before the last
task ends."""
from multiprocessing import Pool

from solutions.pool_methods import (collect_with_timeout, in_completion_order,  # noqa: F401
                                    map_in_background, map_unpacked)


def ordered_lazily(func, items, workers):
    with Pool(workers) as pool:
        return pool.map(func, items)
