"""Hostile: each task kills its own worker with SIGKILL; Pool.map then waits forever."""
import os
import signal
from multiprocessing import Pool

from solutions.pool_map import choose_chunksize, map_small_tasks  # noqa: F401


def _die(item):
    os.kill(os.getpid(), signal.SIGKILL)


def parallel_map(func, items, workers):
    with Pool(workers) as pool:
        return pool.map(_die, items)
