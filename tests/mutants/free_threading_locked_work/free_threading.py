"""Known wrong: one lock held around every call of func, so the threads take turns, as under a
GIL."""
import threading
from concurrent.futures import ThreadPoolExecutor

from solutions.free_threading import tally  # noqa: F401

_lock = threading.Lock()


def _locked(func, item):
    with _lock:
        return func(item)


def threaded_map(func, items, workers):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(lambda item: _locked(func, item), items))
