"""Known wrong: the main thread and the callbacks change the tracker without its lock."""
from functools import partial
from multiprocessing import Pool

from solutions.callbacks import Tracker, collect_results, map_with_progress  # noqa: F401


def _finished(tracker, item, result):
    tracker.in_flight -= 1
    tracker.done += 1
    tracker.results[item] = result


def _failed(tracker, item, error):
    tracker.in_flight -= 1
    tracker.failed += 1
    tracker.errors[item] = error


def run_tracked(func, jobs, workers, tracker):
    with Pool(workers) as pool:
        for item in jobs:
            tracker.in_flight += 1
            pool.apply_async(func, (item,), callback=partial(_finished, tracker, item),
                             error_callback=partial(_failed, tracker, item))
        pool.close()
        pool.join()
