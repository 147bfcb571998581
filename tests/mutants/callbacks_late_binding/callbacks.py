"""Known wrong: lambdas that read the loop variable when they run, long after the loop moved on."""
from multiprocessing import Pool

from solutions.callbacks import Tracker, map_with_progress, run_tracked  # noqa: F401


def collect_results(func, items, workers):
    results, errors = {}, {}
    with Pool(workers) as pool:
        for item in items:
            pool.apply_async(func, (item,), callback=lambda result: results.update({item: result}),
                             error_callback=lambda error: errors.update({item: error}))
        pool.close()
        pool.join()
    return results, errors
