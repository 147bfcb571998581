"""Known wrong: backend="multiprocessing" starts a new pool for every call, so no call reuses
the workers of the one before."""
from joblib import Parallel, delayed

from solutions.joblib_parallel import (as_they_finish, block_results, choose_batch_size,  # noqa: F401
                                       map_tiny_tasks)


def parallel_map(func, items, workers):
    return Parallel(n_jobs=workers, backend="multiprocessing")(
        delayed(func)(item) for item in items)
