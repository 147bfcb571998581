"""Known wrong: floor division gives 62 instead of 63, and 0 for fewer items than chunks."""
from solutions.pool_map import map_small_tasks, parallel_map  # noqa: F401


def choose_chunksize(n_items, workers):
    return n_items // (4 * workers)
