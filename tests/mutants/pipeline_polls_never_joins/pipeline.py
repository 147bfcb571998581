"""Known wrong: on a failure the stages are terminated and their exit codes polled until each
has one, which collects their exits, but no stage is ever joined."""
import time
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
        return collect_stage(results, workers, stages)
    except BaseException:
        for stage in stages:
            stage.terminate()
        while any(stage.exitcode is None for stage in stages):
            time.sleep(0.01)
        raise
