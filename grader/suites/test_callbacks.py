"""Checks for callbacks (lesson: Worker Pool with Callbacks).

The jobs handed to the student's code log, in the worker that ran them, their item and the
moment they ended; some raise on purpose. Results and failures must come back under their own
items, and the exceptions as the jobs raised them (their types are checked by name, as the
student's process describes them). Progress reports are logged in the caller's process and set
beside the moments the jobs ended: each must come as its task finishes, not when it was
submitted, nor held back behind a slower one. The tracker's counters and its lock are kept by
the grader (measuring/served_store.py), so their final values and the tally of lost updates are
the grader's own: a read of a counter made without holding tracker.lock pauses, and items arrive
one at a time while callbacks run, so a read-modify-write that the main thread and the pool's
result thread both make without the lock loses updates on every run, each counted where it
happens. An exception that ends a thread there (a callback that raised) is noted in a file as
it happens, and read even after a hang.
"""

import time

import pytest

from grader.call_errors import StudentException
from grader.measuring.callback_threads import line_in_module, thread_errors
from grader.measuring.served_store import served_store
from grader.suites.shared_checks import assert_not_in_calling_process
from grader.reporting.feedback import mismatch, shown
from grader.reporting.verdicts import ANY_CALL, describe_error
from student_runtime.instruments.thread_errors import ThreadErrors
from student_runtime.instruments.tracker import ServedTracker
from student_runtime.workloads.jobs import ArrivingJobs, JobRejected, ProgressLog, SquareOrReject
from student_runtime.workloads.tasks import TaskLog

WORKERS = 2
COLLECT_ITEMS = list(range(9))
COLLECT_REJECTED = {2, 5, 7}
COLLECT_PAUSE_S = 0.02
PROGRESS_ITEMS = list(range(6))
# Item 0 runs far longer than the rest, so every other task finishes while it runs.
PROGRESS_PAUSES = {0: 0.5}
PROGRESS_PAUSE_S = 0.05
# A report may come this long after its task ended: the result's trip and a busy machine.
REPORT_LAG_S = 0.15
# A report is never made before its task ended; this allows for clock rounding only.
CLOCK_SLACK_S = 0.002
TRACKED_ITEMS = list(range(8))
TRACKED_REJECTED = {1, 6}
TRACKED_PAUSE_S = 0.01
RACE_ITEMS = list(range(12))
RACE_REJECTED = {3, 8, 10}
# Shorter than the tracker's window, so that a callback comes while the main thread pauses.
RACE_PAUSE_S = 0.004
# How long the tracker pauses a counter read made without holding its lock.
TRACKER_WINDOW_S = 0.015
COUNTERS = dict.fromkeys(ServedTracker.COUNTERS, 0)

CALLBACK_NEVER_CAME = (
    "Your code waited for a callback that never came. A task that raises calls error_callback, "
    "never callback: if you wait until every task has called back, count both. pool.close() "
    "then pool.join() waits for every task and callback, however each one ended."
)
LOCK_HELD_WHILE_WAITING = (
    "Your code waited for callbacks that could not finish. They run on the pool's result "
    "thread in your process: if one waits for tracker.lock while your main thread holds it and "
    "waits for the pool (join(), get(), leaving a `with` block), neither can go on. Hold the "
    "lock only around each read-modify-write, never while waiting."
)
BIND_THE_ITEM = (
    "A callback that looks up the loop's `item` when it runs, after the loop has moved on, "
    "sees the latest item, not its own. Bind the item when you submit: "
    "functools.partial(handler, item), or a lambda with a default argument (item=item)."
)


def run_student(student, scratch, function, *args):
    """function(*args) in the student's process; when a callback raised meanwhile, that is the
    failure, whatever followed (most often a hang: the pool's result thread is dead)."""
    noted = scratch / "thread-errors.jsonl"
    watch = student.make(ThreadErrors, noted)
    generation = student.generation
    try:
        returned = function(*args)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - a hang or an error caused by the dead thread
        if not thread_errors(noted):
            raise
    finally:
        # After a hang the student's process, and the watch in it, is already gone.
        if student.alive() and student.generation == generation:
            watch.stop()
    errors = thread_errors(noted)
    if errors:
        _, error = errors[0]
        raise AssertionError(
            f"A callback raised {describe_error(error)}"
            f"{line_in_module(error.frames, 'callbacks.py')}. "
            "Callbacks run on the pool's result thread in your process, and an exception there "
            "ends that thread: no later result is delivered, and join() or get() waits forever. "
            "Make sure a callback cannot raise; a task's own exception goes to error_callback, "
            "not to callback.")
    return returned


def jobs_for(student, folder, *args, **kwargs) -> tuple:
    """The job, built in the student's process (where it makes its log folder), and a copy here
    that says what each call of it should give."""
    job = student.make(SquareOrReject, folder, *args, **kwargs)
    return job, SquareOrReject(folder, *args, **kwargs)


def assert_ran_in_workers(log: TaskLog, call: str, student_pid: int) -> None:
    records = log.read()
    assert records, (
        f"Called {call}: it returned before any job had finished. Wait for every task and its "
        "callback: pool.close() then pool.join().")
    assert_not_in_calling_process(
        records, call, "multiprocessing.pool.ThreadPool has the same apply_async, but its "
        "workers are threads of your own process; use multiprocessing.Pool.",
        student_pid=student_pid)


def filed_wrong(found, expected: dict) -> list:
    """The items under which found holds a value that belongs to another item."""
    if not isinstance(found, dict):
        return []
    return [item for item, value in found.items()
            if item in expected and value != expected[item] and value in expected.values()]


def is_exactly(error, kind: type) -> bool:
    """Whether an exception from the student's process is of exactly this class."""
    return (isinstance(error, StudentException)
            and error.types[:1] == [f"{kind.__module__}.{kind.__qualname__}"])


def assert_errors_kept(errors: dict, func: SquareOrReject, rejected: set, call: str,
                       where: str) -> None:
    """Every rejected item's exception, as raised, under that item, and nothing else."""
    missing = sorted(rejected - set(errors))
    assert not missing, (
        f"Called {call}: the jobs for items {missing} raised in their workers, but their "
        f"exceptions are not in {where} (its keys: {sorted(errors)}). Without error_callback a "
        "task's exception stays in its AsyncResult and nobody hears of it: pass "
        "error_callback=..., which receives the exception, and keep it under its item.")
    for item in sorted(rejected):
        error = errors[item]
        assert isinstance(error, BaseException), (
            f"Called {call}: {where}[{item}] is the {type(error).__name__} {shown(error)}, not "
            "the exception itself. Keep the exception object that error_callback receives, so "
            "that its type is kept too.")
        try:
            func.outcome(item)
        except JobRejected as expected:
            assert is_exactly(error, JobRejected) and str(error) == str(expected), mismatch(
                f"{call}, {where}[{item}]", error, expected,
                "Keep each exception under the item whose job raised it. " + BIND_THE_ITEM)
    extra = sorted(set(errors) - rejected)
    assert not extra, (
        f"Called {call}: {where} holds items {extra}, whose jobs did not raise. Only "
        "error_callback should record a failure.")


@pytest.mark.check("correctness", points=3, timeout=6)
def test_results_and_errors_by_item(exercise, student, check_report, scratch):
    check_report.timeout_advice[ANY_CALL] = CALLBACK_NEVER_CAME
    job, func = jobs_for(student, scratch / "jobs", default_pause_s=COLLECT_PAUSE_S,
                         rejected=COLLECT_REJECTED)
    log = TaskLog(scratch / "jobs")
    call = f"collect_results(job, {COLLECT_ITEMS}, workers={WORKERS})"
    got = run_student(student, scratch, exercise.collect_results, job, COLLECT_ITEMS, WORKERS)
    assert isinstance(got, tuple) and len(got) == 2, mismatch(
        call, got, "a pair (results, errors)", "Return two dicts: results and errors.")
    results, errors = got
    assert_ran_in_workers(log, call, student.pid)
    expected = {x: func.outcome(x) for x in COLLECT_ITEMS if x not in COLLECT_REJECTED}
    wrong = filed_wrong(results, expected)
    assert not wrong, (
        f"Called {call}: results {shown(results)} holds the right values under the wrong items "
        f"(results[{wrong[0]}] is {results[wrong[0]]!r}). " + BIND_THE_ITEM)
    ran = {record.item for record in log.read()}
    overwritten = ran >= set(COLLECT_ITEMS) and set(results) < set(expected)
    assert results == expected, mismatch(
        call + "[0]", results, expected,
        f"Every job ran, yet results holds only {len(results)} of the {len(expected)} results: "
        "callbacks stored theirs under the same items, each overwriting the last. " + BIND_THE_ITEM
        if overwritten else "results holds every item whose job returned, with its result, and "
        "nothing else: store each result from callback=..., under its item.")
    assert_errors_kept(errors, func, COLLECT_REJECTED, call, "errors")
    check_report.record({"results": len(results), "errors": len(errors)},
                        f"{len(results)} results and {len(errors)} failures came back, each under "
                        "its own item.")


@pytest.mark.check("correctness", points=2, timeout=6)
def test_progress_as_tasks_finish(exercise, student, check_report, scratch):
    check_report.timeout_advice[ANY_CALL] = CALLBACK_NEVER_CAME
    job, func = jobs_for(student, scratch / "jobs", PROGRESS_PAUSES, PROGRESS_PAUSE_S)
    log = TaskLog(scratch / "jobs")
    on_progress = student.make(ProgressLog, scratch / "progress")
    progress_log = ProgressLog(scratch / "progress")
    total = len(PROGRESS_ITEMS)
    call = f"map_with_progress(job, {PROGRESS_ITEMS}, workers={WORKERS}, on_progress)"
    called_at = time.monotonic()
    got = run_student(student, scratch, exercise.map_with_progress, job, PROGRESS_ITEMS, WORKERS,
                      on_progress)
    expected = [func.outcome(x) for x in PROGRESS_ITEMS]
    assert got == expected, mismatch(call, got, expected,
                                     "Return every result, in the order of the items.")
    assert_ran_in_workers(log, call, student.pid)
    reports = progress_log.calls()
    assert reports, (
        f"Called {call}: on_progress was never called. Call on_progress(done, total) from the "
        "callback, each time a task finishes.")
    assert {report.pid for report in reports} == {student.pid}, (
        f"Called {call}: on_progress was called in a worker process. Progress belongs to the "
        "caller: report it from callback=..., which runs in your own process.")
    dones, totals = [report.done for report in reports], [report.total for report in reports]
    assert dones == list(range(1, total + 1)) and set(totals) == {total}, mismatch(
        call + ": the (done, total) it reported", list(zip(dones, totals)),
        [(done, total) for done in range(1, total + 1)],
        "Report once per finished task: how many have finished so far, and how many items "
        "there are.")
    ends = [record.end for record in log.read(order="end")]
    early = next((k for k, report in enumerate(reports) if report.at < ends[k] - CLOCK_SLACK_S),
                 None)
    assert early is None, (
        f"Called {call}: on_progress({early + 1}, {total}) came at "
        f"{reports[early].at - called_at:.2f} s, when only "
        f"{sum(end <= reports[early].at for end in ends)} task(s) had ended. Report "
        "from the callback, which runs once its task has finished, not when you submit it.")
    lags = [report.at - end for report, end in zip(reports, ends)]
    late = max(range(total), key=lags.__getitem__)
    check_report.record({"report_lags_s": [round(lag, 3) for lag in lags],
                         "tolerance_s": REPORT_LAG_S},
                        f"Each of the {total} progress reports came within {max(lags):.3f} s of "
                        "its task's end.")
    assert lags[late] <= REPORT_LAG_S, (
        f"Called {call}: on_progress({late + 1}, {total}) came {lags[late]:.2f} s after "
        f"{late + 1} task(s) had ended; by then {sum(end <= reports[late].at for end in ends)} "
        "had. Waiting for the results in the order of the items holds back the reports of "
        "tasks that finished before a slow one. Report from callback=..., which runs as each "
        "task finishes, whatever its order.")


@pytest.mark.check("correctness", points=2, timeout=6)
def test_tracker_adds_up(exercise, student, check_report, scratch):
    check_report.timeout_advice[ANY_CALL] = LOCK_HELD_WHILE_WAITING
    job, func = jobs_for(student, scratch / "jobs", default_pause_s=TRACKED_PAUSE_S,
                         rejected=TRACKED_REJECTED)
    log = TaskLog(scratch / "jobs")
    call = f"run_tracked(job, {TRACKED_ITEMS}, workers={WORKERS}, tracker)"
    with served_store(student, scratch, COUNTERS, 1, window_s=0, reentrant=False,
                      caller_pauses=True) as store:
        tracker = student.make(ServedTracker, store.address)
        run_student(student, scratch, exercise.run_tracked, job, TRACKED_ITEMS, WORKERS, tracker)
        at_return = dict(store.values)
    results, errors = tracker.results, tracker.errors
    expected = {"in_flight": 0, "done": len(TRACKED_ITEMS) - len(TRACKED_REJECTED),
                "failed": len(TRACKED_REJECTED)}
    if at_return == {**expected, "failed": 0, "in_flight": expected["failed"]}:
        raise AssertionError(
            f"Called {call}: tracker.failed stayed 0 and tracker.in_flight ended at "
            f"{at_return['in_flight']}: the {expected['failed']} jobs that raised were never "
            "counted. Pass error_callback=... too: it runs, instead of callback, for a task that "
            "raised.")
    counted = at_return["done"] + at_return["failed"]
    assert at_return["in_flight"] <= 0 or counted == len(TRACKED_ITEMS), (
        f"Called {call}: when it returned, tracker.in_flight was {at_return['in_flight']} and "
        f"only {counted} of {len(TRACKED_ITEMS)} tasks had been counted as done or failed. Wait "
        "for every callback before returning: pool.close() then pool.join(), which returns once "
        "the result thread has run them all (leaving a `with Pool(...)` block without them "
        "terminates the pool, and the tasks still in it).")
    assert_ran_in_workers(log, call, student.pid)
    assert at_return == expected, mismatch(
        call + ", then the tracker's counters", at_return, expected,
        "Add 1 to in_flight for every task you submit; in its callback (or error_callback) take "
        "1 off in_flight and add 1 to done (or failed). Return once every callback has run.")
    expected_results = {x: func.outcome(x) for x in TRACKED_ITEMS if x not in TRACKED_REJECTED}
    wrong = filed_wrong(results, expected_results)
    assert not wrong, (
        f"Called {call}: tracker.results holds the right values under the wrong items "
        f"(results[{wrong[0]}] is {results[wrong[0]]!r}). " + BIND_THE_ITEM)
    assert results == expected_results, mismatch(
        call + ", then tracker.results", results, expected_results,
        "Each callback stores its task's result under its item.")
    assert_errors_kept(errors, func, TRACKED_REJECTED, call, "tracker.errors")
    check_report.record(dict(at_return), f"The tracker counted {expected['done']} done and "
                        f"{expected['failed']} failed, with nothing left in flight.")


@pytest.mark.check("race", points=3, timeout=6)
def test_tracker_has_no_lost_updates(exercise, student, check_report, scratch):
    check_report.timeout_advice[ANY_CALL] = LOCK_HELD_WHILE_WAITING
    job, _ = jobs_for(student, scratch / "jobs", default_pause_s=RACE_PAUSE_S,
                      rejected=RACE_REJECTED)
    jobs = student.make(ArrivingJobs, RACE_ITEMS, job.started_items)
    with served_store(student, scratch, COUNTERS, 1, window_s=TRACKER_WINDOW_S, reentrant=False,
                      caller_pauses=True) as store:
        tracker = student.make(ServedTracker, store.address)
        run_student(student, scratch, exercise.run_tracked, job, jobs, WORKERS, tracker)
        final = dict(store.values)
    expected = {"in_flight": 0, "done": len(RACE_ITEMS) - len(RACE_REJECTED),
                "failed": len(RACE_REJECTED)}
    lost = store.lost_updates
    # Each job is one update of in_flight up, one down, and one of done or failed.
    updates = 3 * len(RACE_ITEMS)
    check_report.record({"expected": updates, "final": updates - lost, "lost_updates": lost,
                         "expected_counters": expected, "final_counters": final,
                         "unlocked_writes": store.unlocked_writes,
                         "read_modify_writes": store.read_modify_writes, "workers": WORKERS,
                         "jobs": len(RACE_ITEMS), "jobs_arrived_while_running": not jobs.waited_out,
                         "threads_writing_in_flight": store.writer_threads("in_flight")},
                        f"No update lost over {len(RACE_ITEMS)} jobs, with callbacks running while "
                        "jobs were still being submitted.")
    assert lost == 0, (
        f"The tracker ended at in_flight={final['in_flight']}, done={final['done']}, "
        f"failed={final['failed']} instead of 0, {expected['done']}, {expected['failed']}: {lost} "
        f"of its {updates} updates were lost ({store.unlocked_writes} writes were made without "
        "holding tracker.lock). Callbacks run on the pool's result thread in your process, at "
        "the same time as your main thread: both read a counter, and one wrote back over the "
        "other's change (the grader's tracker pauses reads made without the lock, so this shows "
        "on every run). Hold tracker.lock around every read-modify-write, in the main thread and "
        "in the callbacks alike.")
    assert final == expected, mismatch(
        f"run_tracked(job, <{len(RACE_ITEMS)} arriving jobs>, workers={WORKERS}, tracker), then "
        "the tracker's counters", final, expected,
        "No update was lost, but the counts do not add up: see the check tracker_adds_up.")
    assert store.read_modify_writes >= updates, (
        f"Only {store.read_modify_writes} of the tracker's {updates} updates read the counter "
        "they changed: the others set a value counted somewhere else, where no lock guards it. "
        "Change the tracker's own counters, `tracker.done += 1`, under tracker.lock.")
