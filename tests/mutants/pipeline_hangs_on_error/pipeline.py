"""Known wrong: a happy-path pipeline. An exception kills its worker before it passes its SENTINEL
on, and the collector, which only waits for messages, waits forever."""
from multiprocessing import Process, Queue

from solutions.pipeline import SENTINEL, PipelineError, read_stage  # noqa: F401


def transform_stage(func, in_queue, out_queue):
    for seq, item in iter(in_queue.get, SENTINEL):
        out_queue.put((seq, func(item)))
    out_queue.put(SENTINEL)


def collect_stage(in_queue, workers, processes=()):
    results, finished = {}, 0
    while finished < workers:
        message = in_queue.get()
        if message is SENTINEL:
            finished += 1
        else:
            results[message[0]] = message[1]
    return [results[seq] for seq in sorted(results)]


def run_pipeline(func, items, workers):
    tasks, results = Queue(), Queue()
    stages = [Process(target=read_stage, args=(items, tasks, workers))]
    stages += [Process(target=transform_stage, args=(func, tasks, results)) for _ in range(workers)]
    for stage in stages:
        stage.start()
    collected = collect_stage(results, workers)
    for stage in stages:
        stage.join()
    return collected
