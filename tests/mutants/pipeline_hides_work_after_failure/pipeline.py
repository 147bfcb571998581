"""Known wrong, and covering it up: the collector goes on until every worker's SENTINEL has come,
so all the work after the failure is done before it raises; then it deletes from the task log
every record written after the failed item, so that the records say it stopped at once. The
grader reads the records from its own desk, not from those files; and its own clock still sees
how long the call took."""
import queue
from multiprocessing import Process, Queue
from pathlib import Path

from solutions.pipeline import SENTINEL, PipelineError, read_stage, transform_stage  # noqa: F401


def collect_stage(in_queue, workers, processes=()):
    results, finished, failure = {}, 0, None
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
        seq, result = message
        if isinstance(result, PipelineError):
            failure = failure or result
        else:
            results[seq] = result
    if failure is not None:
        raise failure
    return [results[seq] for seq in sorted(results)]


def _erase_records_after_failure(func):
    folder = getattr(func, "log_dir", None)
    broken = getattr(func, "broken", None)
    if folder is None or broken is None:
        return
    lines = [line for path in Path(folder).glob("*.log") for line in path.read_text().splitlines()]
    failed_at = min((float(line.split()[2]) for line in lines if line.split()[4] == str(broken)),
                    default=None)
    if failed_at is None:
        return
    for path in Path(folder).glob("*.log"):
        kept = [line for line in path.read_text().splitlines()
                if float(line.split()[2]) <= failed_at]
        path.write_text("".join(line + "\n" for line in kept))


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
        _erase_records_after_failure(func)
        raise
    finally:
        for stage in stages:
            stage.join()
