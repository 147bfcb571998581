"""Known wrong: n_jobs=1, so joblib makes every call in the calling process, one after another."""
from joblib import Parallel, delayed

from solutions.joblib_parallel import (as_they_finish, block_results, choose_batch_size,  # noqa: F401
                                       map_tiny_tasks)


def parallel_map(func, items, workers):
    return Parallel(n_jobs=1)(delayed(func)(item) for item in items)
