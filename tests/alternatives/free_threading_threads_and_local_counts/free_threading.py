"""A correct alternative: threading.Thread objects that each take every `workers`-th item and
write its result by index, and a tally in which every thread counts into a Counter of its own,
merged into the shared dict once, under a lock, when it is done."""
import threading
from collections import Counter


def threaded_map(func, items, workers):
    results = [None] * len(items)

    def run(offset):
        for index in range(offset, len(items), workers):
            results[index] = func(items[index])

    threads = [threading.Thread(target=run, args=(offset,)) for offset in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def tally(func, items, workers, counts):
    lock = threading.Lock()

    def run(offset):
        mine = Counter(func(item) for item in items[offset::workers])
        with lock:
            for key, count in mine.items():
                counts[key] = counts.get(key, 0) + count

    threads = [threading.Thread(target=run, args=(offset,)) for offset in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
