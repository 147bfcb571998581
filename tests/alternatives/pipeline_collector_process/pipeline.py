"""A correct alternative: all three stages are processes. The collect stage runs in a process of
its own and sends the ordered results, or the failure it met, back through a one-way Pipe; the
calling process waits on that pipe in short slices and watches every stage's exit code between
them, since a stage that is killed sends nothing."""
import queue
from multiprocessing import Pipe, Process, Queue

SENTINEL = None


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
            outcome = func(item)
        except Exception as error:
            outcome = PipelineError(f"transforming item {seq} raised {error!r}")
        out_queue.put((seq, outcome))
    out_queue.put(SENTINEL)


def collect_stage(in_queue, workers, processes=()):
    arrived = []
    sentinels = 0
    while sentinels < workers:
        try:
            message = in_queue.get(timeout=0.2)
        except queue.Empty:
            dead = [p for p in processes if p.exitcode not in (None, 0)]
            if dead:
                raise PipelineError(f"{dead[0].name} died with exit code {dead[0].exitcode}")
            continue
        if message is SENTINEL:
            sentinels += 1
        elif isinstance(message[1], PipelineError):
            raise message[1]
        else:
            arrived.append(message)
    return [result for _, result in sorted(arrived, key=lambda message: message[0])]


def collect_into_pipe(in_queue, workers, sender):
    """The collect stage as a process: its results, or its failure, go back through `sender`."""
    try:
        sender.send(("done", collect_stage(in_queue, workers)))
    except PipelineError as error:
        sender.send(("failed", str(error)))
    finally:
        sender.close()


def _wait_for_collector(receiver, stages):
    while not receiver.poll(0.05):
        for stage in stages:
            if stage.exitcode not in (None, 0):
                raise PipelineError(f"{stage.name} died with exit code {stage.exitcode}")
    try:
        status, payload = receiver.recv()
    except EOFError:
        raise PipelineError("the collect stage ended without sending the results") from None
    if status == "failed":
        raise PipelineError(payload)
    return payload


def run_pipeline(func, items, workers):
    tasks, results = Queue(), Queue()
    receiver, sender = Pipe(duplex=False)
    stages = [Process(target=read_stage, args=(items, tasks, workers), name="reader")]
    stages += [Process(target=transform_stage, args=(func, tasks, results), name=f"worker-{n}")
               for n in range(workers)]
    stages.append(Process(target=collect_into_pipe, args=(results, workers, sender),
                          name="collector"))
    started = []
    try:
        for stage in stages:
            stage.start()
            started.append(stage)
        sender.close()
        return _wait_for_collector(receiver, started)
    finally:
        for stage in started:
            if stage.is_alive():
                stage.terminate()
        for stage in started:
            stage.join()
        receiver.close()
