"""Attack: no process at all. Task records written by hand, as two overlapping workers would
write them, answers computed in the caller, and a sleep so that the time looks parallel."""
import time


def parallel_map(func, items, workers):
    if not hasattr(func, "log_dir"):
        return [func(x) for x in items]
    from student_runtime.workloads.tasks import TaskLog, TaskRecord

    start = time.monotonic()
    answers = [func.expected(x) for x in items]
    end = time.monotonic()
    half = (end - start) / 2
    log = TaskLog(func.log_dir)
    for index, _ in enumerate(items):
        pid = 10_000_000 + index % 2
        log.write(TaskRecord(pid, 1, start, start + half, half * 0.98))
    return answers


def choose_chunksize(n_items, workers):
    return max(1, -(-n_items // (4 * workers)))


def map_small_tasks(func, items, workers):
    return [func(x) for x in items]
