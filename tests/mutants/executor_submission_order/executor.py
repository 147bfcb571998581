"""Known wrong: results collected in the order of submission, not the order they finish."""
from concurrent.futures import ProcessPoolExecutor

from solutions.executor import (errors_by_item, executor_map, first_to_finish,  # noqa: F401
                                result_or_none, run_surviving_a_crash)


def results_as_completed(func, items, workers):
    with ProcessPoolExecutor(max_workers=workers) as executor:
        futures = [(item, executor.submit(func, item)) for item in items]
        return [(item, future.result()) for item, future in futures]
