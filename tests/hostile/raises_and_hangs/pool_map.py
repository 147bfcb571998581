"""Hostile: raises, hangs and answers wrong, so the suite's tracebacks quote its own source."""
import sys
import time


def parallel_map(func, items, workers):
    print("parallel_map was called")
    raise ValueError("no pool today")


def choose_chunksize(n_items, workers):
    print("choose_chunksize waits", file=sys.stderr)
    time.sleep(3600)


def map_small_tasks(func, items, workers):
    return [func(x) for x in items][:-1]
