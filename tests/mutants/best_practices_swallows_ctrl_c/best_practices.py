"""Known wrong: a bare `except BaseException` around get() turns Ctrl-C into an error entry."""
from multiprocessing import Pool

from solutions.best_practices import lookup_all, run_with_timeout  # noqa: F401


def process_all(func, items, workers):
    items = list(items)
    results, errors = [], []
    with Pool(workers) as pool:
        jobs = [pool.apply_async(func, (item,)) for item in items]
        for item, job in zip(items, jobs):
            while True:
                try:
                    results.append((item, job.get()))
                    break
                except KeyboardInterrupt:
                    continue  # "keep going whatever happens"
                except BaseException as error:
                    errors.append((item, f"{type(error).__name__}: {error}"))
                    break
    return results, errors
