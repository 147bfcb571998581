"""Known wrong: the counts already in the dict are thrown away."""
import threading
from concurrent.futures import ThreadPoolExecutor

from solutions.free_threading import threaded_map  # noqa: F401


def tally(func, items, workers, counts):
    counts.clear()
    lock = threading.Lock()

    def count(item):
        key = func(item)
        with lock:
            counts[key] = counts.get(key, 0) + 1

    with ThreadPoolExecutor(max_workers=workers) as executor:
        list(executor.map(count, items))
