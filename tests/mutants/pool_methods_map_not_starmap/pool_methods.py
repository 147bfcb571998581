"""Known wrong: map_unpacked uses pool.map, which calls func(args) with the whole tuple."""
from multiprocessing import Pool

from solutions.pool_methods import (collect_with_timeout, in_completion_order,  # noqa: F401
                                    map_in_background, ordered_lazily)


def map_unpacked(func, arg_tuples, workers):
    with Pool(workers) as pool:
        return pool.map(func, arg_tuples)
