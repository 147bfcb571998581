"""Known wrong: an executor of one worker, whatever `workers` says."""
from concurrent.futures import ProcessPoolExecutor

from solutions.executor import (errors_by_item, first_to_finish, result_or_none,  # noqa: F401
                                results_as_completed, run_surviving_a_crash)


def executor_map(func, items, workers):
    with ProcessPoolExecutor(max_workers=1) as executor:
        return list(executor.map(func, items))
