"""Known wrong: the read stage puts one SENTINEL, not one per worker, so every worker but the
first waits forever for its own, and so does the collector."""
from multiprocessing import Process, Queue

from solutions.pipeline import SENTINEL, PipelineError, collect_stage, transform_stage  # noqa: F401


def read_stage(items, out_queue, workers):
    for seq, item in enumerate(items):
        out_queue.put((seq, item))
    out_queue.put(SENTINEL)


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
