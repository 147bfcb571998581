"""Known wrong: every update makes a Lock of its own, which keeps no other thread out."""
import threading
from concurrent.futures import ThreadPoolExecutor

from solutions.free_threading import threaded_map  # noqa: F401


def tally(func, items, workers, counts):
    def count(item):
        key = func(item)
        with threading.Lock():
            counts[key] = counts.get(key, 0) + 1

    with ThreadPoolExecutor(max_workers=workers) as executor:
        list(executor.map(count, items))
