"""Known wrong: the reference with SENTINEL = object(). What is put on a Queue is pickled, so
the SENTINEL a worker is sent is a copy, never the same object: the worker takes it for an item
and dies trying to unpack it, under every start method."""
import queue
from multiprocessing import Process, Queue

from solutions.pipeline import PipelineError

SENTINEL = object()


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
            result = PipelineError(f"item {seq}: {error!r}")
        out_queue.put((seq, result))
    out_queue.put(SENTINEL)


def collect_stage(in_queue, workers, processes=()):
    results, finished = {}, 0
    while finished < workers:
        try:
            message = in_queue.get(timeout=0.05)
        except queue.Empty:
            dead = [p for p in processes if p.exitcode not in (None, 0)]
            if dead:
                raise PipelineError(f"{dead[0].name} ended with exit code {dead[0].exitcode}")
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
