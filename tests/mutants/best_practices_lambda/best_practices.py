"""Known wrong: process_all sends a wrapper defined inside it, which cannot be pickled."""
from multiprocessing import Pool

from solutions.best_practices import lookup_all, run_with_timeout  # noqa: F401


def process_all(func, items, workers):
    items = list(items)

    def call(item):
        try:
            return True, func(item)
        except Exception as error:
            return False, f"{type(error).__name__}: {error}"

    with Pool(workers) as pool:
        outcomes = pool.map(call, items)
    results = [(item, value) for item, (ok, value) in zip(items, outcomes) if ok]
    errors = [(item, value) for item, (ok, value) in zip(items, outcomes) if not ok]
    return results, errors
