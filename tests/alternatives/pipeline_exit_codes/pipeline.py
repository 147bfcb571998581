"""A correct alternative: failures are not sent as messages at all. An exception is left to end
its worker (exit code 1, its traceback printed), and the collector, which waits in short slices,
looks at every stage's exit code after each one; the task queue is bounded, so the reader never
runs far ahead of the workers; the stages are stopped in a `finally` whatever happened."""
import queue
import multiprocessing

SENTINEL = None
WAIT_SLICE_S = 0.1


class PipelineError(RuntimeError):
    """A stage of the pipeline failed; the message says where and why."""


def read_stage(items, out_queue, workers):
    for message in [*enumerate(items), *[SENTINEL] * workers]:
        out_queue.put(message)


def transform_stage(func, in_queue, out_queue):
    while True:
        message = in_queue.get()
        if message is SENTINEL:
            out_queue.put(SENTINEL)
            return
        seq, item = message
        out_queue.put((seq, func(item)))


def _check_alive(processes):
    for process in processes:
        if process.exitcode:
            raise PipelineError(f"stage process {process.name} (pid {process.pid}) failed with "
                                f"exit code {process.exitcode}; its own output says why")


def collect_stage(in_queue, workers, processes=()):
    by_seq = {}
    sentinels = 0
    while sentinels < workers:
        _check_alive(processes)
        try:
            message = in_queue.get(timeout=WAIT_SLICE_S)
        except queue.Empty:
            continue
        if message is SENTINEL:
            sentinels += 1
        else:
            seq, result = message
            by_seq[seq] = result
    return [by_seq[seq] for seq in range(len(by_seq))]


def run_pipeline(func, items, workers):
    ctx = multiprocessing.get_context()
    tasks = ctx.Queue(maxsize=2 * workers)
    results = ctx.Queue()
    processes = [ctx.Process(target=read_stage, args=(items, tasks, workers), name="reader")]
    for number in range(workers):
        processes.append(ctx.Process(target=transform_stage, args=(func, tasks, results),
                                     name=f"transformer-{number}"))
    try:
        for process in processes:
            process.start()
        return collect_stage(results, workers, processes)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            if process.pid is not None:
                process.join()
