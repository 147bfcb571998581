"""Reference solution for callbacks."""

import threading
from functools import partial
from multiprocessing import Pool


class Tracker:
    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = 0
        self.done = 0
        self.failed = 0
        self.results = {}
        self.errors = {}


def collect_results(func, items, workers):
    results, errors = {}, {}
    with Pool(workers) as pool:
        for item in items:
            # partial binds this item now; a lambda would see whatever item the loop is on by then.
            pool.apply_async(func, (item,), callback=partial(results.__setitem__, item),
                             error_callback=partial(errors.__setitem__, item))
        pool.close()
        pool.join()
    return results, errors


def map_with_progress(func, items, workers, on_progress):
    total = len(items)
    finished = 0

    def count_one(_result):
        nonlocal finished
        finished += 1
        on_progress(finished, total)

    with Pool(workers) as pool:
        pending = [pool.apply_async(func, (item,), callback=count_one) for item in items]
        pool.close()
        pool.join()
        return [result.get() for result in pending]


def _finished(tracker, item, result):
    with tracker.lock:
        tracker.in_flight -= 1
        tracker.done += 1
        tracker.results[item] = result


def _failed(tracker, item, error):
    with tracker.lock:
        tracker.in_flight -= 1
        tracker.failed += 1
        tracker.errors[item] = error


def run_tracked(func, jobs, workers, tracker):
    with Pool(workers) as pool:
        for item in jobs:
            with tracker.lock:
                tracker.in_flight += 1
            pool.apply_async(func, (item,), callback=partial(_finished, tracker, item),
                             error_callback=partial(_failed, tracker, item))
        pool.close()
        pool.join()
