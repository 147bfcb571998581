"""Known wrong: a pool of one worker process, whatever `workers` says."""
from multiprocessing import Pool

from solutions.joblib_parallel import as_they_finish, block_results, choose_batch_size  # noqa: F401


def parallel_map(func, items, workers):
    with Pool(1) as pool:
        return pool.map(func, items)


def map_tiny_tasks(func, items, workers):
    with Pool(1) as pool:
        return pool.map(func, items, chunksize=choose_batch_size(len(items), workers))
