"""Known wrong: pool.map raises at the first failing item, and every other result is lost."""
from multiprocessing import Pool

from solutions.best_practices import lookup_all, run_with_timeout  # noqa: F401


def process_all(func, items, workers):
    items = list(items)
    with Pool(workers) as pool:
        try:
            return list(zip(items, pool.map(func, items))), []
        except Exception as error:
            return [], [(None, f"{type(error).__name__}: {error}")]
