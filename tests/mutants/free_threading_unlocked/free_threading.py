"""Known wrong: counts updated from several threads without a lock."""
from concurrent.futures import ThreadPoolExecutor

from solutions.free_threading import threaded_map  # noqa: F401


def tally(func, items, workers, counts):
    def count(item):
        key = func(item)
        counts[key] = counts.get(key, 0) + 1

    with ThreadPoolExecutor(max_workers=workers) as executor:
        list(executor.map(count, items))
