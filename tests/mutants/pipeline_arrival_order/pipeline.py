"""Known wrong: the collect stage keeps the results in the order they arrive, not by seq."""
import queue
from multiprocessing import Process, Queue

from solutions.pipeline import SENTINEL, PipelineError, read_stage, transform_stage  # noqa: F401


def collect_stage(in_queue, workers, processes=()):
    results, finished = [], 0
    while finished < workers:
        try:
            message = in_queue.get(timeout=0.05)
        except queue.Empty:
            dead = [p for p in processes if p.exitcode not in (None, 0)]
            if dead:
                raise PipelineError(f"{dead[0].name} died")
            continue
        if message is SENTINEL:
            finished += 1
            continue
        if isinstance(message[1], PipelineError):
            raise message[1]
        results.append(message[1])
    return results


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
