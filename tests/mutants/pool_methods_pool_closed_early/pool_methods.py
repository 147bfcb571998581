"""Known wrong: ordered_lazily returns pool.imap's iterator from inside the with block, which
terminates the pool before any result is taken."""
from multiprocessing import Pool

from solutions.pool_methods import (collect_with_timeout, in_completion_order,  # noqa: F401
                                    map_in_background, map_unpacked)


def ordered_lazily(func, items, workers):
    with Pool(workers) as pool:
        return pool.imap(func, items)
