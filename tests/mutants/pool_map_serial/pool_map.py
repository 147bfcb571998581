"""Known wrong: parallel_map computes every item in the calling process."""
from solutions.pool_map import choose_chunksize, map_small_tasks  # noqa: F401


def parallel_map(func, items, workers):
    return [func(item) for item in items]
