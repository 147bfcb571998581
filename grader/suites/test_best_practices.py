"""Checks for best_practices (lesson: Best Practices; Common Pitfalls).

Errors reported with their input, a deadline that stops a stuck task, Ctrl-C that stops every
worker, worker state handed over once by an initializer, and all of it under every start method
the platform offers, whatever start method the run was given. The student's code runs in its
own process; the grader checks its answers against its own, times it with its own clock, and
lists the processes it left running with the operating system's help.
"""

import multiprocessing
import time

import pytest

from grader.call_errors import StudentRaised
from grader.reporting.feedback import mismatch
from grader.measuring.ctrl_c import call_with_ctrl_c
from grader.measuring.pools_left import pools_left_running
from grader.measuring.start_methods import under_every_start_method
from grader.reporting.verdicts import describe_error, pickling_problem
from grader.measuring.transfer import bytes_sent
from student_runtime.instruments.pickles import pickled_size
from student_runtime.instruments.start_methods import call_under
from student_runtime.workloads.waiting import FailsOn, LookupTable, SlowSquare, lookup_pids

WORKERS = 2
ITEMS = list(range(10))
BAD = (3, 7)
# Long against starting the workers under spawn on a busy machine, which the quick items wait for.
TIMEOUT_S = 1.5
# After the deadline, terminating the pool takes milliseconds; this allows for a busy machine.
STOP_ALLOWANCE_S = 2.5
# The last items never end (or never start, once both workers are stuck): a timeout per item
# would wait 4 x 1.5 s for them, well beyond one deadline plus the allowance.
TIMEOUT_ITEMS = list(range(10))
STUCK_ITEMS = {6, 7, 8, 9}
STUCK_S = 60.0
# Each task sleeps this long: long enough to tell a prompt KeyboardInterrupt from one that
# waited for the tasks, short enough that a version swallowing it returns within the check.
CTRL_C_TASK_S = 3.0
CTRL_C_ALLOWANCE_S = 1.5
TABLE_SIZE = 2000
KEYS = 100
TIMEOUT_JOIN = (
    "A worker stuck on a task never finishes it, so close() and join() wait for it forever. "
    "Once the deadline has passed, stop the pool with terminate() (leaving a `with Pool(...)` "
    "block does it)."
)
TIMEOUT_WAIT = (
    "Your code waited for every task, the stuck one included. Fetch each result with a "
    "timeout (AsyncResult.get(timeout)), the time left until the deadline, and give up on the "
    "rest when it has passed."
)
MODULE_STATE = (
    "If it works when you try it, your Python probably starts processes with fork, where a "
    "child inherits the parent's memory. A worker started by spawn or forkserver is a fresh "
    "interpreter that imports your module: "
    "a module global filled in by the parent is still empty there, and a lambda or a function "
    "defined inside another one cannot be sent at all. Define the functions you send at module "
    "level, and hand the state a worker needs to Pool(initializer=..., initargs=...)."
)


def expected_outcomes(items, bad):
    results = [(x, x * x) for x in items if x not in bad]
    errors = [(x, FailsOn.error_text(x)) for x in items if x in bad]
    return results, errors


def table_data() -> dict[int, str]:
    return {key: f"value-{key * 7919 % 10007}" for key in range(TABLE_SIZE)}


def make_table(log_dir) -> LookupTable:
    return LookupTable(table_data(), log_dir)


def lookup_keys() -> list[int]:
    return [key * 37 % TABLE_SIZE for key in range(KEYS)]


def call_student(student, call: str, func, *args, method: str | None = None):
    """func(*args) in the student's process, under `method` when given (else the run's own start
    method), with an error raised by the student's code explained as a start-method pitfall."""
    try:
        return func(*args) if method is None else student.call(call_under, method, func, *args)
    except StudentRaised as error:
        if error.is_a(NotImplementedError):
            raise
        pickling = pickling_problem(error)
        advice = (pickling.format(error=describe_error(error), where="") if pickling
                  else MODULE_STATE)
        shown = method or multiprocessing.get_start_method()
        raise AssertionError(f"Called {call} under the {shown} start method: it raised "
                             f"{describe_error(error)}. {advice}") from error


def check_process_all(exercise, student, log_dir, method: str | None = None) -> None:
    func = FailsOn(log_dir, BAD)
    call = f"process_all(func, {ITEMS}, workers={WORKERS}) with a func that raises ValueError for {BAD}"
    got = call_student(student, call, exercise.process_all, func, ITEMS, WORKERS, method=method)
    results, errors = expected_outcomes(ITEMS, BAD)
    assert isinstance(got, tuple) and len(got) == 2, mismatch(
        call, got, (results, errors), "Return a pair: (results, errors).")
    got_results, got_errors = list(got[0]), list(got[1])
    assert got_results == results, mismatch(
        call + ", results", got_results, results,
        "One failing item must not lose the others: catch the exception inside the worker, for "
        "that item alone, and return (item, func(item)) for every item that succeeded, in order.")
    assert got_errors == errors, mismatch(
        call + ", errors", got_errors, errors,
        "Report each failure with the input that caused it, as (item, 'TypeName: message'): "
        "f\"{type(error).__name__}: {error}\" gives the text.")


def check_lookup_all(exercise, student, log_dir, method: str | None = None) -> None:
    data, keys = table_data(), lookup_keys()
    # The table lives in the student's process, so that only the student's code pickles it.
    table = student.make(LookupTable, data, log_dir)
    call = f"lookup_all(table, <{KEYS} keys>, workers={WORKERS})"
    got = call_student(student, call, exercise.lookup_all, table, keys, WORKERS, method=method)
    expected = [data[key] for key in keys]
    assert got == expected, mismatch(call, got, expected, "Return table[key] for every key, in order.")
    assert lookup_pids(log_dir) - {student.pid}, (
        "Every key was looked up in the calling process itself, not in the workers. Look the "
        "keys up in a function that the pool runs.")


@pytest.mark.check("correctness", points=2, timeout=8)
def test_errors_keep_their_input(exercise, student, check_report, task_log):
    check_process_all(exercise, student, task_log.directory)
    pids = {record.pid for record in task_log.read()}
    check_report.record({"items": len(ITEMS), "failing_items": len(BAD),
                         "worker_pids": len(pids - {student.pid})},
                        f"{len(ITEMS) - len(BAD)} results survived {len(BAD)} failing items, "
                        "each reported with its input.")
    assert student.pid not in pids, (
        "Some items were processed in the calling process itself, not in the workers. Hand "
        "every item to the pool.")


@pytest.mark.check("hygiene", points=2, timeout=8)
def test_ctrl_c_stops_the_workers(exercise, student, check_report, scratch):
    func = SlowSquare(scratch, CTRL_C_TASK_S)
    items = list(range(WORKERS))
    process_all = exercise.process_all
    with pools_left_running(student) as left:
        outcome = call_with_ctrl_c(student, left.call_handle, process_all, func, items, WORKERS,
                                   ready=lambda: func.started() >= 1, wait_ready_s=5.0)
    raised = outcome.raised
    if raised is not None and raised.is_a(NotImplementedError):
        raise raised
    check_report.record({"ctrl_c_pressed": outcome.pressed,
                         "raised": raised.type_name if raised else None,
                         "seconds_after_ctrl_c": outcome.seconds_after_press,
                         "left_running": len(left.pids)},
                        f"Ctrl-C stopped process_all {outcome.seconds_after_press} s after it was "
                        "pressed, and reached the caller.")
    assert outcome.pressed, (
        f"process_all(func, {items}, workers={WORKERS}) ended before any task had started, so "
        "Ctrl-C could not be tried" + (f": it raised {describe_error(raised)}." if raised
                                       else ". Hand every item to a pool and wait for the results."))
    assert raised is not None and raised.is_a(KeyboardInterrupt), (
        "Ctrl-C was pressed while process_all waited for its workers, and "
        + (f"it raised {describe_error(raised)} instead" if raised
           else f"it returned {outcome.seconds_after_press} s later as if nothing had happened")
        + ": KeyboardInterrupt never reached the caller. Catch only Exception around a task's "
        "work, never KeyboardInterrupt or BaseException, and let it leave your function.")
    assert not left.pids, (
        f"After Ctrl-C, KeyboardInterrupt left process_all but {len(left.pids)} of its "
        "worker processes were still running: nothing stopped the pool, so a caller that goes on "
        "(a notebook, a server) keeps them. Create the pool in a `with Pool(...) as pool:` block, "
        "or terminate() it in a `finally:`, so that leaving the function for any reason stops "
        "the workers. (The grader stopped them.)")
    assert outcome.seconds_after_press <= CTRL_C_ALLOWANCE_S, (
        f"KeyboardInterrupt reached the caller {outcome.seconds_after_press} s after Ctrl-C: your "
        f"code waited for the running tasks ({CTRL_C_TASK_S:g} s each) instead of stopping them. "
        "Stop the pool with terminate(), which leaving a `with Pool(...)` block does.")


@pytest.mark.check("hygiene", points=2, timeout=10)
def test_timeout_cuts_off_a_stuck_task(exercise, student, check_report, scratch):
    check_report.timeout_advice.update({"Pool.join": TIMEOUT_JOIN, "Pool.map": TIMEOUT_WAIT,
                                        "ApplyResult.get": TIMEOUT_WAIT})
    items, stuck = TIMEOUT_ITEMS, STUCK_ITEMS
    func = SlowSquare(scratch, STUCK_S, slow=stuck)
    run_with_timeout = exercise.run_with_timeout
    with pools_left_running(student) as left:
        started = time.monotonic()
        got = left.call(run_with_timeout, func, items, WORKERS, TIMEOUT_S)
        took = time.monotonic() - started
    check_report.record({"timeout_s": TIMEOUT_S, "seconds_to_return": round(took, 3)},
                        f"The stuck tasks were cut off and the pool stopped {took:.2f} s after "
                        "the call.")
    expected = [None if x in stuck else x * x for x in items]
    assert got == expected, mismatch(
        f"run_with_timeout(func, {items}, workers={WORKERS}, timeout_s={TIMEOUT_S}) where "
        f"func never ends for {sorted(stuck)}", got, expected,
        "Every other item finishes in milliseconds: return its result, and None for each stuck "
        "one.")
    assert not left.pids, (
        f"run_with_timeout returned on time, but {len(left.pids)} of its worker processes were "
        "still running, those stuck on tasks that never end among them. Stop the pool "
        "with terminate() once the deadline has passed (leaving a `with Pool(...)` block does "
        "it); close() and join() would wait for the stuck task forever. (The grader stopped "
        "them.)")
    assert took <= TIMEOUT_S + STOP_ALLOWANCE_S, (
        f"run_with_timeout took {took:.1f} s with timeout_s={TIMEOUT_S} and {len(stuck)} "
        "tasks that never end: the timeout counts from the call, for all items together, not "
        "once per item. Measure one deadline from the start of the call and wait for each "
        "result only for the time left.")


@pytest.mark.check("correctness", points=1, timeout=8)
def test_table_goes_to_each_worker_once(exercise, student, check_report, scratch, tmp_path):
    with bytes_sent(student) as sent:
        check_lookup_all(exercise, student, scratch / "lookups")
    total = sent["total"]
    table_bytes = pickled_size(make_table(tmp_path / "size"))
    limit = (WORKERS + 1) * table_bytes
    check_report.record({"sent_bytes": total, "sent_counted_by": sent["source"],
                         "table_bytes": table_bytes, "sent_limit": limit},
                        f"{total:,} bytes were sent for a {table_bytes:,}-byte table and "
                        f"{WORKERS} workers.")
    assert total <= limit, (
        f"Your code sent {total:,} bytes to its workers for a {table_bytes:,}-byte table, "
        f"{KEYS} keys and {WORKERS} workers: about {total / table_bytes:.0f} copies of the "
        "table, one with every chunk of keys. Give it to each worker once, with "
        "Pool(initializer=..., initargs=(table,)), and store it in a module global there.")


@pytest.mark.check("hygiene", points=3, timeout=15)
def test_works_under_every_start_method(exercise, student, check_report, scratch):
    def both(method):
        logs = scratch / method
        check_process_all(exercise, student, logs / "items", method)
        check_lookup_all(exercise, student, logs / "lookups", method)

    runs = under_every_start_method(both)
    not_started = [run.error for run in runs
                   if isinstance(run.error, StudentRaised) and run.error.is_a(NotImplementedError)]
    if not_started:
        raise not_started[0]
    failed = [run for run in runs if run.error is not None]
    check_report.record({"start_methods": {run.method: "passed" if run.error is None else
                                           describe_error(run.error) for run in runs},
                         "seconds": {run.method: run.seconds for run in runs}},
                        "process_all and lookup_all worked under " +
                        ", ".join(run.method for run in runs) + ".")
    if not failed:
        return
    # A mistake made alike under every start method is not about start methods: the check
    # that asks for that behaviour charges it, once.
    if len(failed) == len(runs) and len({describe_error(run.error) for run in failed}) == 1:
        check_report.record({"same_failure_under_every_method": True},
                            "process_all and lookup_all did the same under "
                            + ", ".join(run.method for run in runs) + " (what they did wrong is "
                            "for the other checks to say).")
        return
    passed = [run.method for run in runs if run.error is None]
    raise AssertionError(f"Failed under {', '.join(run.method for run in failed)}"
                         + (f" (worked under {', '.join(passed)})" if passed else "")
                         + f". {failed[0].error}")
