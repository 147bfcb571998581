"""Reference solution for free_threading."""

import threading
from concurrent.futures import ThreadPoolExecutor


def threaded_map(func, items, workers):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items))


def tally(func, items, workers, counts):
    lock = threading.Lock()

    def count(item):
        key = func(item)
        with lock:
            counts[key] = counts.get(key, 0) + 1

    with ThreadPoolExecutor(max_workers=workers) as executor:
        for _ in executor.map(count, items):
            pass
