"""A correct alternative: futures of a ProcessPoolExecutor, with add_done_callback. The executor
runs done-callbacks on a thread of its own in this process (or at once, in the caller, for a
future that is already done), so state they share with the main thread is locked the same way."""
import threading
from concurrent.futures import ProcessPoolExecutor
from functools import partial


class Tracker:
    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = self.done = self.failed = 0
        self.results, self.errors = {}, {}


def _file(results, errors, item, future):
    error = future.exception()
    if error is None:
        results[item] = future.result()
    else:
        errors[item] = error


def collect_results(func, items, workers):
    results, errors = {}, {}
    with ProcessPoolExecutor(max_workers=workers) as executor:
        for item in items:
            executor.submit(func, item).add_done_callback(partial(_file, results, errors, item))
    return results, errors


def map_with_progress(func, items, workers, on_progress):
    lock = threading.Lock()
    finished = 0

    def count_one(_future):
        nonlocal finished
        with lock:
            finished += 1
            on_progress(finished, len(items))

    with ProcessPoolExecutor(max_workers=workers) as executor:
        futures = [executor.submit(func, item) for item in items]
        for future in futures:
            future.add_done_callback(count_one)
    return [future.result() for future in futures]


def _settle(tracker, item, future):
    error = future.exception()
    with tracker.lock:
        tracker.in_flight -= 1
        if error is None:
            tracker.done += 1
            tracker.results[item] = future.result()
        else:
            tracker.failed += 1
            tracker.errors[item] = error


def run_tracked(func, jobs, workers, tracker):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        for job in jobs:
            with tracker.lock:
                tracker.in_flight += 1
            # Outside the lock: a future already done runs its callback here, at once.
            executor.submit(func, job).add_done_callback(partial(_settle, tracker, job))
