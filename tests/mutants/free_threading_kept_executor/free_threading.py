"""Known wrong: one executor kept at module level for every call and never shut down: its
threads wait for work for as long as the program runs."""
from concurrent.futures import ThreadPoolExecutor

from solutions.free_threading import tally  # noqa: F401

_executors = {}


def threaded_map(func, items, workers):
    executor = _executors.setdefault(workers, ThreadPoolExecutor(max_workers=workers))
    return list(executor.map(func, items))
