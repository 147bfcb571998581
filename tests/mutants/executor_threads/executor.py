"""Known wrong: ThreadPoolExecutor, whose threads take turns on the GIL."""
from concurrent.futures import ThreadPoolExecutor, as_completed

from solutions.executor import result_or_none, run_surviving_a_crash  # noqa: F401


def results_as_completed(func, items, workers):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        futures = {executor.submit(func, item): item for item in items}
        return [(futures[future], future.result()) for future in as_completed(futures)]


def executor_map(func, items, workers):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(func, items))


def errors_by_item(func, items, workers):
    results, errors = {}, {}
    with ThreadPoolExecutor(max_workers=workers) as executor:
        futures = {executor.submit(func, item): item for item in items}
        for future in as_completed(futures):
            try:
                results[futures[future]] = future.result()
            except Exception as error:
                errors[futures[future]] = error
    return results, errors


def first_to_finish(func, items, workers):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        futures = {executor.submit(func, item): item for item in items}
        first = next(as_completed(futures))
        cancelled = sum(future.cancel() for future in futures if future is not first)
        return futures[first], first.result(), cancelled
