"""Known wrong: the stages run one after another in the calling process; the results are right."""
from multiprocessing import Queue

from solutions.pipeline import (SENTINEL, PipelineError, collect_stage, read_stage,  # noqa: F401
                                transform_stage)


def run_pipeline(func, items, workers):
    tasks, results = Queue(), Queue()
    read_stage(items, tasks, workers)
    for _ in range(workers):
        transform_stage(func, tasks, results)
    return collect_stage(results, workers)
