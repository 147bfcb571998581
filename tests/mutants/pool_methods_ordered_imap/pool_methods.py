"""Known wrong: in_completion_order uses imap, which keeps the order of the items."""
from multiprocessing import Pool

from solutions.pool_methods import (collect_with_timeout, map_in_background,  # noqa: F401
                                    map_unpacked, ordered_lazily)


def in_completion_order(func, items, workers):
    with Pool(workers) as pool:
        yield from pool.imap(func, items)
