"""Known wrong: map_in_background calls meanwhile() before it starts the tasks with map_async."""
from multiprocessing import Pool

from solutions.pool_methods import (collect_with_timeout, in_completion_order,  # noqa: F401
                                    map_unpacked, ordered_lazily)


def map_in_background(func, items, workers, meanwhile):
    with Pool(workers) as pool:
        own = meanwhile()
        pending = pool.map_async(func, items)
        return pending.get(), own
