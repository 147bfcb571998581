"""Known wrong: the batch size is rounded down, so a few items give batches of 0."""
from solutions.joblib_parallel import (BATCHES_PER_WORKER, as_they_finish,  # noqa: F401
                                       block_results, map_tiny_tasks, parallel_map)


def choose_batch_size(n_items, workers):
    return n_items // (BATCHES_PER_WORKER * workers)
