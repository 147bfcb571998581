"""Known wrong: an executor of one thread, whatever `workers` says."""
from concurrent.futures import ThreadPoolExecutor

from solutions.free_threading import tally  # noqa: F401


def threaded_map(func, items, workers):
    with ThreadPoolExecutor(max_workers=1) as executor:
        return list(executor.map(func, items))
