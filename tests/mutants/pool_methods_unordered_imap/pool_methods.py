"""Known wrong: ordered_lazily uses imap_unordered, so the results come in the order the
tasks finish."""
from multiprocessing import Pool

from solutions.pool_methods import (collect_with_timeout, in_completion_order,  # noqa: F401
                                    map_in_background, map_unpacked)


def ordered_lazily(func, items, workers):
    with Pool(workers) as pool:
        yield from pool.imap_unordered(func, items)
