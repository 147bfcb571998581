"""Known wrong: waits for every task before cancelling, so nothing is left to cancel."""
from concurrent.futures import ProcessPoolExecutor, as_completed, wait

from solutions.executor import (errors_by_item, executor_map, result_or_none,  # noqa: F401
                                results_as_completed, run_surviving_a_crash)


def first_to_finish(func, items, workers):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        futures = {executor.submit(func, item): item for item in items}
        first = next(as_completed(futures))
        wait(futures)
        cancelled = sum(future.cancel() for future in futures if future is not first)
        return futures[first], first.result(), cancelled
