"""Checks for pipeline (lesson: Practical Patterns, Parallel Pipeline).

Each stage alone first, in the student's process, on scripted queues that hand it fixed
messages and stop it the moment it asks for one more than it was given (where a real queue would
wait forever): numbering, sentinels passed on, order restored. Then the whole pipeline on
transforms that record which process ran each item and when: results in item order although the
workers finish them out of order; the parallel stage sped up beside the kit's own pipeline; and
a failure in the transform stage (an exception, then a killed worker) that must stop every stage
at once, raise PipelineError, and leave no process running (seen by the grader, with psutil) or
unjoined (as the student's process reports it).
"""

import time

import pytest

from grader.call_errors import StudentRaised
from grader.measuring import baselines, leftovers
from grader.suites.shared_checks import assert_parallel_map_speeds_up
from grader.reporting.feedback import mismatch, shown
from grader.reporting.verdicts import ANY_CALL, describe_error
from grader import system, waits
from grader.running.student_process import Remote
from student_runtime.instruments.started import Unjoined, started_processes
from student_runtime.workloads.stages import (BreaksOn, OutOfOrder, QueueRanDry, ScriptedQueue,
                                              sent_messages, survives_pickling)
from student_runtime.workloads.tasks import square

WORKERS = 2
# The error check: the broken item comes early, and the items after it are enough work (about
# 3 s on two workers) that going on with them cannot pass for stopping.
ERROR_ITEMS = list(range(60))
BROKEN = 2
ERROR_PAUSE_S = 0.1
CRASH_ITEMS = list(range(12))
CRASH_PAUSE_S = 0.02
# The killed worker first works this long without a word, alive: longer than the silence after
# which a collector that waits on the results queue alone would give the pipeline up for dead.
# The other worker is busier still with the next item, so no stage ends before that one dies.
SILENT_S = 3.0
CRASH_SLOW = {BROKEN: SILENT_S, BROKEN + 1: SILENT_S + 1.0}
# The grader's clock and the desk's stamps may differ by this much.
CLOCK_SLACK_S = 0.1
# Going on with every item after the broken one takes this long on WORKERS workers: a pipeline
# that stops raises well before, by the grader's own clock.
FINISHING_S = (len(ERROR_ITEMS) - 1 - BROKEN) * ERROR_PAUSE_S / WORKERS
# Stands for a SENTINEL that is not plain data in what a stage sent (see sent_messages).
SENTINEL_MARK = "<SENTINEL>"
READ_ADVICE = (
    "Put (seq, item) for every item, seq counting 0, 1, 2, ..., then one SENTINEL per worker, "
    "after the last item: the workers share the queue, and each stops at a SENTINEL of its own.")
TRANSFORM_ADVICE = (
    "For each (seq, item), put (seq, func(item)) with the same seq; at the SENTINEL put one "
    "SENTINEL on and return, leaving the messages after it to the other workers.")
COLLECT_ADVICE = (
    "Results come in whatever order the workers finish them: keep each under its seq, go on until "
    "every worker has sent its SENTINEL (one per worker), and return them sorted by seq.")
WAITING_FOREVER = (
    "A stage waited for a message that never came. The read stage must put one SENTINEL per "
    "worker, each worker must pass one on when it stops, and the collect stage must stop after "
    "one per worker.")
DEAD_WORKER_HANG = (
    "A transform worker was killed in the middle of an item (as the operating system kills a "
    "process that runs out of memory): it sent nothing, not even its SENTINEL, so a collector "
    "waiting for every worker's SENTINEL waits forever. Wait with a timeout, and each time "
    "nothing came, look at the stage processes: one whose exitcode is set and not 0 has died; "
    "raise PipelineError then, after stopping the others.")
ERROR_HANG = (
    "func raised for one item, and the pipeline never stopped: the worker that met the error "
    "died or stopped without sending its SENTINEL, or nobody stopped the others. Catch the "
    "exception in transform_stage and send it on in place of the result, so that the collect "
    "stage can raise PipelineError, and make run_pipeline terminate() then join() every stage "
    "process before the error leaves it.")


def as_message(message):
    """A message with a list in place of a tuple counts as the same message."""
    return tuple(message) if isinstance(message, list) else message


def run_stage(call: str, run, advice: str):
    """run(), with a stage that asked for a message it was never given told so."""
    try:
        return run()
    except StudentRaised as error:
        if error.is_a(QueueRanDry):
            raise AssertionError(f"Called {call}: it {error.message}. {advice}") from None
        raise


def mark_of(sentinel):
    """How the SENTINEL shows in what_was_sent: as itself when it is plain data (None), else as
    SENTINEL_MARK."""
    return SENTINEL_MARK if isinstance(sentinel, Remote) else sentinel


def what_was_sent(student, queue, sentinel) -> list:
    """The messages a stage put on a ScriptedQueue, as plain data, its SENTINEL as mark_of()."""
    return [as_message(m) for m in student.call(sent_messages, queue, sentinel, mark_of(sentinel))]


def check_sentinel_travels(exercise, student) -> None:
    sentinel = exercise.SENTINEL
    assert student.call(survives_pickling, sentinel), (
        f"SENTINEL is {sentinel!r}. Everything put on a Queue is pickled, and the copy another "
        "process gets of it is a different object, not equal to it either, so a worker never "
        "recognises its SENTINEL and takes it for an item. Keep SENTINEL = None: every process "
        "has the same None.")


def check_read_stage(exercise, student) -> None:
    sentinel = exercise.SENTINEL
    mark = mark_of(sentinel)
    for items, workers in [(["a", "b", "c"], 3), ([], 2)]:
        call = f"read_stage({items!r}, tasks, workers={workers})"
        tasks = student.make(ScriptedQueue)
        run_stage(call, lambda: exercise.read_stage(items, tasks, workers), READ_ADVICE)
        sent = what_was_sent(student, tasks, sentinel)
        expected = [*enumerate(items), *[mark] * workers]
        assert sent == expected, mismatch(call + ", what it put on tasks", sent, expected,
                                          READ_ADVICE)


def check_transform_stage(exercise, student) -> None:
    sentinel = exercise.SENTINEL
    mark = mark_of(sentinel)
    for script, expected in [([(0, 5), (1, 7), (2, 1), sentinel, (3, 4)],
                              [(0, 25), (1, 49), (2, 1), mark]),
                             ([sentinel, (0, 3)], [mark])]:
        call = f"transform_stage(square, tasks, results) with {shown(script)} on tasks"
        tasks, results = student.make(ScriptedQueue, script), student.make(ScriptedQueue)
        run_stage(call, lambda: exercise.transform_stage(square, tasks, results),
                  TRANSFORM_ADVICE)
        sent = what_was_sent(student, results, sentinel)
        assert sent == expected, mismatch(call + ", what it put on results", sent, expected,
                                          TRANSFORM_ADVICE)
        taken = tasks.taken
        assert taken == len(expected), (
            f"Called {call}: it took {taken} messages from tasks, but the worker's own "
            f"SENTINEL was message #{len(expected)}. {TRANSFORM_ADVICE}")


def check_collect_stage(exercise, student) -> None:
    sentinel = exercise.SENTINEL
    for script, workers, expected in [
            ([(2, "c"), sentinel, (0, "a"), (3, "d"), sentinel, (1, "b"), sentinel], 3,
             ["a", "b", "c", "d"]),
            ([sentinel, sentinel], 2, [])]:
        call = f"collect_stage(results, workers={workers}) with {shown(script)} on results"
        results = student.make(ScriptedQueue, script)
        got = run_stage(call, lambda: exercise.collect_stage(results, workers), COLLECT_ADVICE)
        got = list(got) if isinstance(got, tuple) else got
        assert got == expected, mismatch(call, got, expected, COLLECT_ADVICE)


def run_healthy(exercise, func, items, workers: int, call: str):
    """run_pipeline on items none of which fails, with a PipelineError it raises explained."""
    try:
        return exercise.run_pipeline(func, items, workers)
    except StudentRaised as error:
        if not error.is_a(exercise.PipelineError):
            raise
        raise AssertionError(
            f"Called {call}: it raised PipelineError ({error}), though func fails on none of "
            "these items, so a stage itself went wrong: a stage that raises (unpacking a message "
            "it did not expect, a SENTINEL it did not recognise) ends with exit code 1. "
            "`grade -v` shows what the stages printed.") from None


def assert_transformed_in_workers(records, call: str, student_pid: int,
                                  consequence: str = "") -> None:
    """No item was transformed in the student's own process (the one the grader calls into):
    the transform stage ran in processes of its own."""
    assert student_pid not in {record.pid for record in records}, (
        f"Called {call}: items were transformed inside the calling process itself, not in "
        f"transform processes{', so ' + consequence if consequence else ''}. Start `workers` "
        "Processes that run transform_stage.")


@pytest.mark.check("correctness", points=2, timeout=5)
def test_stages_follow_the_protocol(exercise, student, check_report):
    check_sentinel_travels(exercise, student)
    check_read_stage(exercise, student)
    check_transform_stage(exercise, student)
    check_collect_stage(exercise, student)
    check_report.record({}, "Each stage numbers, transforms, passes sentinels on and restores "
                            "the order as the protocol says.")


@pytest.mark.check("correctness", points=2, timeout=6)
def test_results_in_order(exercise, student, check_report, task_log):
    check_report.timeout_advice[ANY_CALL] = WAITING_FOREVER
    items = list(range(6))
    func = OutOfOrder(task_log.directory, last=items[-1])
    call = f"run_pipeline(func, {items}, workers={WORKERS})"
    got = run_healthy(exercise, func, items, WORKERS, call)
    records = task_log.read(order="end")
    finished = [record.item for record in records]
    pids = {record.pid for record in records}
    check_report.record({"finish_order": finished, "worker_pids": len(pids - {student.pid})},
                        f"Results came back in item order, though the workers finished them in "
                        f"the order {finished}.")
    expected = [x * x for x in items]
    assert got == expected, mismatch(
        call, got, expected, f"The workers finished the items in the order {finished}: keep "
        "each result under its seq and return them sorted by seq.")
    assert_transformed_in_workers(records, call, student.pid)
    call = f"run_pipeline(func, [], workers={WORKERS})"
    got = run_healthy(exercise, func, [], WORKERS, call)
    assert got == [], mismatch(call, got, [],
                               "No items: the sentinels alone go through, and nothing comes back.")


@pytest.mark.check("speedup", points=3, timeout=15)
def test_speedup(exercise, student, check_report, speedup_plan, task_log):
    check_report.timeout_advice[ANY_CALL] = WAITING_FOREVER

    def run_pipeline(func, items, workers):
        call = f"run_pipeline(work, {len(items)} tasks, workers={workers})"
        return run_healthy(exercise, func, items, workers, call)

    assert_parallel_map_speeds_up(
        run_pipeline, baselines.spread_items, "run_pipeline", speedup_plan, task_log,
        check_report, "Return every result in the order of the items: sort them by seq.",
        student=student)


def run_to_failure(exercise, func, items):
    """run_pipeline on items one of which fails: (what it raised, or None; what it returned)."""
    try:
        return None, exercise.run_pipeline(func, items, WORKERS)
    except StudentRaised as error:
        if error.is_a(NotImplementedError):
            raise
        return error, None


def student_processes(student) -> set[int]:
    """Pids of what the student's process started that still runs (its own helpers aside)."""
    if student.pid is None:
        return set()
    return {proc.pid for proc in system.student_leftovers(student.pid, None)}


def names_of_processes(student) -> dict:
    """pid -> label of the processes the student's process started and has not joined, as the
    student knows them (for a message only: it may say nothing)."""
    try:
        return leftovers.labels_from(student.call(started_processes, timeout_s=waits.ANSWERING_S))
    except Exception:  # noqa: BLE001 - naming is a courtesy
        return {}


def stages_left_running(student, before: set[int]) -> list[str]:
    """Processes not in `before` still running once they have had waits.STOPPING_S to stop,
    seen by the grader with psutil, named as the student knows them."""
    started = [proc for proc in system.student_leftovers(student.pid, None)
               if proc.pid not in before] if student.pid is not None else []
    running = sorted(proc.pid for proc in system.wait_until_stopped(started, waits.STOPPING_S))
    if not running:
        return []
    known = names_of_processes(student)
    return [f"{known[pid].label} (pid {pid})" if pid in known else f"pid {pid}" for pid in running]


def assert_pipeline_stopped(exercise, student, call: str, failure: str, raised, returned,
                            before_pids: set[int], before) -> None:
    """PipelineError reached the caller, and no stage process is left running or unjoined."""
    assert raised is not None, (
        f"Called {call}: {failure}, yet it returned {shown(returned)} as if nothing had happened. "
        "A failed stage must stop the pipeline: raise PipelineError.")
    assert raised.is_a(exercise.PipelineError), (
        f"Called {call}: {failure}, and it raised {describe_error(raised)}, not PipelineError. "
        "Raise PipelineError (with what went wrong in its message), so that a caller can catch one "
        "type whatever failed.")
    running = stages_left_running(student, before_pids)
    assert not running, (
        f"Called {call}: {failure}; PipelineError reached the caller, but {len(running)} of the "
        f"pipeline's processes were still running {waits.STOPPING_S:g} s later: "
        f"{', '.join(running)}. Nothing stops them: they go on with their items, or wait on "
        "their queue forever. terminate() every stage process, then join() each, before the "
        "error leaves run_pipeline.")
    # Under forkserver the stages are not the student's process's children, so whether it
    # collected their exits is only known from inside it.
    unjoined = before.ended()
    try:
        assert not unjoined, (
            f"Called {call}: {failure}; PipelineError reached the caller and the stages were "
            f"stopped, but {len(unjoined)} stage process(es) that had ended were never joined. "
            "A process whose exit nobody collects stays in the process table as a zombie, and "
            "reading its exitcode now and then is not a join: join() every stage, after "
            "terminate() for those still running.")
    finally:
        before.reap()


def watch_stages(student) -> tuple[set[int], object]:
    """What runs before the call (seen with psutil), and a watch on the processes it starts
    that says which it never joined (built in the student's process)."""
    unjoined = student.make(Unjoined)
    return student_processes(student), unjoined


@pytest.mark.check("hygiene", points=2, timeout=8)
def test_error_stops_the_pipeline(exercise, student, check_report, task_log):
    check_report.timeout_advice[ANY_CALL] = ERROR_HANG
    func = BreaksOn(task_log.directory, BROKEN, ERROR_PAUSE_S)
    call = f"run_pipeline(func, <{len(ERROR_ITEMS)} items>, workers={WORKERS})"
    failure = f"func raised ValueError for item {BROKEN}"
    before_pids, before = watch_stages(student)
    started = time.monotonic()
    raised, returned = run_to_failure(exercise, func, ERROR_ITEMS)
    raised_at = time.monotonic()
    took = round(raised_at - started, 3)
    records = task_log.read()
    failed_at = next((r.start for r in records if r.item == BROKEN), None)
    after = [r.item for r in records if failed_at is not None and r.start > failed_at]
    later_items = len(ERROR_ITEMS) - 1 - BROKEN
    went_on_s = round(raised_at - failed_at, 3) if failed_at is not None else None
    check_report.record({"items": len(ERROR_ITEMS), "broken_item": BROKEN, "workers": WORKERS,
                         "raised": raised.type_name if raised else None,
                         "error_message": raised.message if raised else None,
                         "items_after_failure": len(after), "seconds_after_failure": went_on_s,
                         "seconds_to_raise": took},
                        f"The pipeline stopped {went_on_s or 0:.2f} s after item {BROKEN} failed, "
                        f"having transformed {len(after)} more item(s), and raised PipelineError.")
    assert failed_at is not None, (
        f"Called {call}: item {BROKEN} never reached func, so the failure could not be tried. "
        "Every item must go through transform_stage.")
    assert_transformed_in_workers(records, call, student.pid,
                                  "there was no pipeline of processes to stop")
    assert_pipeline_stopped(exercise, student, call, failure, raised, returned, before_pids,
                            before)
    going_on = (
        "Once a failure is known the rest of the work is wasted: raise as soon as the collect "
        "stage can know of it (a PipelineError sent in place of a result, or the stages' exit "
        "codes looked at after every message, not only when the queue is quiet), and "
        "terminate() the stages.")
    assert len(after) <= later_items // 2, (
        f"Called {call}: {failure}, but the pipeline went on for {went_on_s:.1f} s and "
        f"transformed {len(after)} of the {later_items} items after it before PipelineError "
        f"reached the caller. {going_on}")
    # The items' records come from the student's processes; the grader's own clock says too
    # that the pipeline did not go on with everything.
    assert took < FINISHING_S, (
        f"Called {call}: {failure}, but PipelineError reached the caller {took:.1f} s after the "
        f"call began, longer than transforming all {later_items} items after it takes on "
        f"{WORKERS} workers ({FINISHING_S:.2f} s). {going_on}")


@pytest.mark.check("hygiene", points=1, timeout=10)
def test_dead_worker_does_not_hang(exercise, student, check_report, task_log):
    check_report.timeout_advice[ANY_CALL] = DEAD_WORKER_HANG
    # Built in the student's process, which it then never kills (see BreaksOn).
    func = student.make(BreaksOn, task_log.directory, BROKEN, CRASH_PAUSE_S, crash=True,
                        slow=CRASH_SLOW)
    call = f"run_pipeline(func, <{len(CRASH_ITEMS)} items>, workers={WORKERS})"
    failure = (f"the worker transforming item {BROKEN} worked on it for {SILENT_S:g} s, then was "
               f"killed (exit code {BreaksOn.EXIT_CODE}) and sent nothing")
    before_pids, before = watch_stages(student)
    started = time.monotonic()
    raised, returned = run_to_failure(exercise, func, CRASH_ITEMS)
    raised_at = time.monotonic()
    took = round(raised_at - started, 3)
    records = task_log.read()
    check_report.record({"items": len(CRASH_ITEMS), "killed_at_item": BROKEN,
                         "raised": raised.type_name if raised else None,
                         "error_message": raised.message if raised else None,
                         "seconds_to_raise": took},
                        f"A killed worker was noticed; PipelineError was raised after {took:.2f} s "
                        "and every stage stopped.")
    assert_transformed_in_workers(records, call, student.pid,
                                  "no worker could be killed (the grader would have been)")
    broken_at = next((r.start for r in records if r.item == BROKEN), None)
    if raised is not None and broken_at is not None:
        alive_for = broken_at + SILENT_S - raised_at
        assert alive_for <= CLOCK_SLACK_S, (
            f"Called {call}: it raised {describe_error(raised)} {took:.2f} s into the call, before "
            f"any stage had died: the worker given item {BROKEN} was working on it, "
            f"silent, and died {alive_for:.2f} s later. A silence is not a death: a slow task "
            "looks the same to get(timeout=...). Watch the workers themselves, their exitcode, "
            "or multiprocessing.connection.wait() on their sentinels beside the results queue.")
    assert_pipeline_stopped(exercise, student, call, failure, raised, returned, before_pids,
                            before)
