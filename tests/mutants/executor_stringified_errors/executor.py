"""Known wrong: each exception is stored as its message, so its type is lost."""
from concurrent.futures import ProcessPoolExecutor, as_completed

from solutions.executor import (executor_map, first_to_finish, result_or_none,  # noqa: F401
                                results_as_completed, run_surviving_a_crash)


def errors_by_item(func, items, workers):
    results, errors = {}, {}
    with ProcessPoolExecutor(max_workers=workers) as executor:
        futures = {executor.submit(func, item): item for item in items}
        for future in as_completed(futures):
            try:
                results[futures[future]] = future.result()
            except Exception as error:
                errors[futures[future]] = str(error)
    return results, errors
