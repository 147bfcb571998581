"""A correct alternative: lambdas that bind the item as a default argument, a lock of its own
instead of tracker.lock, every AsyncResult waited for in turn instead of join(), and progress
counted in the main thread from imap_unordered, which gives results as tasks finish."""
import threading
from multiprocessing import Pool


class Tracker:
    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = self.done = self.failed = 0
        self.results, self.errors = {}, {}


def collect_results(func, items, workers):
    results, errors = {}, {}
    with Pool(workers) as pool:
        pending = [pool.apply_async(func, (item,),
                                    callback=lambda value, item=item: results.update({item: value}),
                                    error_callback=lambda error, item=item: errors.update({item: error}))
                   for item in items]
        for result in pending:
            result.wait()  # returns once the task's callback has run
    return results, errors


class _Indexed:
    """func(item), returned with the item's index; picklable whenever func is."""

    def __init__(self, func):
        self.func = func

    def __call__(self, pair):
        index, item = pair
        return index, self.func(item)


def map_with_progress(func, items, workers, on_progress):
    results = [None] * len(items)
    with Pool(workers) as pool:
        tasks = pool.imap_unordered(_Indexed(func), enumerate(items))
        for done, (index, value) in enumerate(tasks, start=1):
            results[index] = value
            on_progress(done, len(items))
    return results


def run_tracked(func, jobs, workers, tracker):
    guard = threading.Lock()

    def finished(item, value):
        with guard:
            tracker.in_flight -= 1
            tracker.done += 1
        tracker.results[item] = value

    def failed(item, error):
        with guard:
            tracker.in_flight -= 1
            tracker.failed += 1
        tracker.errors[item] = error

    with Pool(workers) as pool:
        pending = []
        for job in jobs:
            with guard:
                tracker.in_flight += 1
            pending.append(pool.apply_async(func, (job,),
                                            callback=lambda value, job=job: finished(job, value),
                                            error_callback=lambda error, job=job: failed(job, error)))
        for result in pending:
            result.wait()
