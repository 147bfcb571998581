"""Known wrong: on a failure the stages are terminated but never joined, so their exit is never
collected; on success every stage is joined as it should be."""
from multiprocessing import Process, Queue

from solutions.pipeline import (SENTINEL, PipelineError, collect_stage, read_stage,  # noqa: F401
                                transform_stage)


def run_pipeline(func, items, workers):
    tasks, results = Queue(), Queue()
    stages = [Process(target=read_stage, args=(items, tasks, workers))]
    stages += [Process(target=transform_stage, args=(func, tasks, results)) for _ in range(workers)]
    for stage in stages:
        stage.start()
    try:
        collected = collect_stage(results, workers, stages)
    except BaseException:
        for stage in stages:
            stage.terminate()
        raise
    for stage in stages:
        stage.join()
    return collected
