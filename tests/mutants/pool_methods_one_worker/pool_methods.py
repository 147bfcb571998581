"""Known wrong: map_unpacked uses a pool of one worker, whatever workers says."""
from multiprocessing import Pool

from solutions.pool_methods import (collect_with_timeout, in_completion_order,  # noqa: F401
                                    map_in_background, ordered_lazily)


def map_unpacked(func, arg_tuples, workers):
    with Pool(1) as pool:
        return pool.starmap(func, arg_tuples)
