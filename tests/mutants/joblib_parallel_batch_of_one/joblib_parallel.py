"""Known wrong: batch_size=1 sends each of thousands of tiny tasks in a message of its own."""
from joblib import Parallel, delayed

from solutions.joblib_parallel import (as_they_finish, block_results, choose_batch_size,  # noqa: F401
                                       parallel_map)


def map_tiny_tasks(func, items, workers):
    return Parallel(n_jobs=workers, batch_size=1)(delayed(func)(item) for item in items)
