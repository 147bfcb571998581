"""Known wrong: every block has len(values) // blocks elements, so the remainder is never summed."""
from joblib import Parallel, delayed

from solutions.joblib_parallel import (as_they_finish, choose_batch_size,  # noqa: F401
                                       map_tiny_tasks, parallel_map)


def block_results(func, values, blocks, workers):
    size = len(values) // blocks
    return Parallel(n_jobs=workers)(
        delayed(func)(values, i * size, (i + 1) * size) for i in range(blocks))
