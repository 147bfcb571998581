"""Known wrong: errors are reported by their message alone, without the input that caused them."""
from multiprocessing import Pool

from solutions.best_practices import _call, lookup_all, run_with_timeout  # noqa: F401


def process_all(func, items, workers):
    items = list(items)
    with Pool(workers) as pool:
        outcomes = pool.starmap(_call, [(func, item) for item in items])
    results = [(item, value) for item, (ok, value) in zip(items, outcomes) if ok]
    errors = [value for ok, value in outcomes if not ok]
    return results, errors
