"""Hostile: an endless loop inside one C call, which no Python signal handler can interrupt."""
import collections
import itertools

from solutions.pool_map import choose_chunksize, map_small_tasks  # noqa: F401


def parallel_map(func, items, workers):
    collections.deque(itertools.repeat(None), maxlen=0)
