"""Reference solution for pipeline."""

import queue
from multiprocessing import Process, Queue

SENTINEL = None
# How often the collector looks at the stage processes while no message comes.
WATCH_S = 0.05


class PipelineError(RuntimeError):
    """A stage of the pipeline failed; the message says where and why."""


def read_stage(items, out_queue, workers):
    for seq, item in enumerate(items):
        out_queue.put((seq, item))
    for _ in range(workers):
        out_queue.put(SENTINEL)


def transform_stage(func, in_queue, out_queue):
    for seq, item in iter(in_queue.get, SENTINEL):
        try:
            result = func(item)
        except Exception as error:
            # Sent on in place of the result, so that the collector can stop the pipeline.
            result = PipelineError(f"item {seq} ({item!r}) failed in the transform stage: "
                                   f"{type(error).__name__}: {error}")
        out_queue.put((seq, result))
    out_queue.put(SENTINEL)


def _raise_if_a_stage_died(processes):
    for process in processes:
        if process.exitcode not in (None, 0):
            raise PipelineError(f"{process.name} ended with exit code {process.exitcode} "
                                "before it had sent everything")


def collect_stage(in_queue, workers, processes=()):
    results, finished = {}, 0
    while finished < workers:
        try:
            message = in_queue.get(timeout=WATCH_S)
        except queue.Empty:
            # A process that was killed sends nothing, not even its sentinel.
            _raise_if_a_stage_died(processes)
            continue
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
    stages = [Process(target=read_stage, args=(items, tasks, workers), name="the read stage")]
    stages += [Process(target=transform_stage, args=(func, tasks, results),
                       name=f"transform worker {n}") for n in range(1, workers + 1)]
    started = []
    try:
        for stage in stages:
            stage.start()
            started.append(stage)
        return collect_stage(results, workers, started)
    except BaseException:
        # The other stages would go on working, or wait forever for messages that never come.
        for stage in started:
            stage.terminate()
        raise
    finally:
        for stage in started:
            stage.join()
