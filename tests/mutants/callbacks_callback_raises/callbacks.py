"""Known wrong: the callback expects (item, result) but is given only the result, so it raises
on the pool's result thread, which ends that thread and leaves join() waiting forever."""
from multiprocessing import Pool

from solutions.callbacks import Tracker, map_with_progress, run_tracked  # noqa: F401


def collect_results(func, items, workers):
    results, errors = {}, {}

    def on_result(item, result):
        results[item] = result

    def on_error(item, error):
        errors[item] = error

    with Pool(workers) as pool:
        for item in items:
            pool.apply_async(func, (item,), callback=on_result, error_callback=on_error)
        pool.close()
        pool.join()
    return results, errors
