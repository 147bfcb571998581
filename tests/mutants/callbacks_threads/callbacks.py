"""Known wrong: a ThreadPool, whose workers are threads of the caller's process."""
from functools import partial
from multiprocessing.pool import ThreadPool

from solutions.callbacks import Tracker, _failed, _finished  # noqa: F401


def collect_results(func, items, workers):
    results, errors = {}, {}
    with ThreadPool(workers) as pool:
        for item in items:
            pool.apply_async(func, (item,), callback=partial(results.__setitem__, item),
                             error_callback=partial(errors.__setitem__, item))
        pool.close()
        pool.join()
    return results, errors


def map_with_progress(func, items, workers, on_progress):
    finished = 0

    def count_one(_result):
        nonlocal finished
        finished += 1
        on_progress(finished, len(items))

    with ThreadPool(workers) as pool:
        pending = [pool.apply_async(func, (item,), callback=count_one) for item in items]
        pool.close()
        pool.join()
        return [result.get() for result in pending]


def run_tracked(func, jobs, workers, tracker):
    with ThreadPool(workers) as pool:
        for item in jobs:
            with tracker.lock:
                tracker.in_flight += 1
            pool.apply_async(func, (item,), callback=partial(_finished, tracker, item),
                             error_callback=partial(_failed, tracker, item))
        pool.close()
        pool.join()
