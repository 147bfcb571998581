"""Known wrong: progress reported after each get(), in the order of the items, not as tasks finish."""
from multiprocessing import Pool

from solutions.callbacks import Tracker, collect_results, run_tracked  # noqa: F401


def map_with_progress(func, items, workers, on_progress):
    results = []
    with Pool(workers) as pool:
        pending = [pool.apply_async(func, (item,)) for item in items]
        for result in pending:
            results.append(result.get())
            on_progress(len(results), len(items))
    return results
