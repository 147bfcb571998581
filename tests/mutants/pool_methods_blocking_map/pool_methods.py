"""Known wrong: map_in_background uses pool.map, so meanwhile() runs only once every task
has ended."""
from multiprocessing import Pool

from solutions.pool_methods import (collect_with_timeout, in_completion_order,  # noqa: F401
                                    map_unpacked, ordered_lazily)


def map_in_background(func, items, workers, meanwhile):
    with Pool(workers) as pool:
        results = pool.map(func, items)
    return results, meanwhile()
