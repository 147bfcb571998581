"""Known wrong: exceptions travel as messages and stop the pipeline, but the collector only waits
for messages, so a worker killed without a word leaves it waiting forever."""
from multiprocessing import Process, Queue

from solutions.pipeline import SENTINEL, PipelineError, read_stage, transform_stage  # noqa: F401


def collect_stage(in_queue, workers, processes=()):
    results, finished = {}, 0
    while finished < workers:
        message = in_queue.get()
        if message is SENTINEL:
            finished += 1
            continue
        seq, result = message
        if isinstance(result, PipelineError):
            raise result
        results[seq] = result
    return [results[seq] for seq in sorted(results)]


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
        raise
    finally:
        for stage in stages:
            stage.join()
