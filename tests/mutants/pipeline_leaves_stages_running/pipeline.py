"""Known wrong: a failure reaches the caller as PipelineError at once, but nothing stops the other
stages, which go on with their items after run_pipeline has raised."""
from multiprocessing import Process, Queue

from solutions.pipeline import (SENTINEL, PipelineError, collect_stage, read_stage,  # noqa: F401
                                transform_stage)


def run_pipeline(func, items, workers):
    tasks, results = Queue(), Queue()
    stages = [Process(target=read_stage, args=(items, tasks, workers))]
    stages += [Process(target=transform_stage, args=(func, tasks, results)) for _ in range(workers)]
    for stage in stages:
        stage.start()
    collected = collect_stage(results, workers, stages)
    for stage in stages:
        stage.join()
    return collected
