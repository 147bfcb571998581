"""Chatty: parallel_map is right, but prints in the parent (stdout and stderr) and in every worker."""
import sys
from functools import partial
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize, map_small_tasks  # noqa: F401


def _call_and_print(func, item):
    print(f"worker handles item {item}")
    return func(item)


def parallel_map(func, items, workers):
    print(f"parallel_map got {len(items)} items")
    print("about to start the pool", file=sys.stderr)
    with Pool(workers) as pool:
        return pool.map(partial(_call_and_print, func), items)
