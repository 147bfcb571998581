"""Checks for interpreters (track: modern; Python 3.14's InterpreterPoolExecutor, PEP 734).

The interpreters run on threads of the student's process, each with a GIL of its own: the
tasks' records say which thread ran what, and can only fail a check; the kernel's count of the
process's CPU against the grader's clock shows whether they computed at once
(measuring/thread_speedup.py). What can cross to another interpreter is found out by the
grader itself, on this Python, and the student's answers set beside it. The cost of starting
interpreters and processes is measured in the grader's process and shown, not graded.
"""

from concurrent.futures import InterpreterPoolExecutor, ProcessPoolExecutor
from concurrent.interpreters import NotShareableError

import psutil
import pytest

from grader import waits
from grader.call_errors import StudentRaised
from grader.measuring.puzzles import squarings_for, time_lock
from grader.measuring.speedup import WORK_CPU_S
from grader.measuring.startup_costs import pool_start_up
from grader.measuring.thread_speedup import InProcessWorkers, measure_thread_speedup
from grader.reporting.feedback import mismatch
from grader.suites.shared_checks import (assert_in_order_on_threads_of_the_caller,
                                         threads_once_ended)
from student_runtime.instruments.threads_left import interpreters_alive
from student_runtime.workloads.crossings import (NotingInterpreter, interpreters_noted, type_name,
                                                 values_to_send)
from student_runtime.workloads.tasks import TimedWork, square

WORKERS = 2
INTERPRETERS = InProcessWorkers("interpreters", InterpreterPoolExecutor)
CANNOT_CROSS = "cannot cross"
MAIN_INTERPRETER = "0"


def crossings_here() -> list:
    """What send_each must give for values_to_send(), found out on this Python: the type name
    of each value that reaches another interpreter, CANNOT_CROSS for each that does not."""
    found = []
    with InterpreterPoolExecutor(max_workers=1) as executor:
        for value in values_to_send():
            try:
                found.append(executor.submit(type_name, value).result())
            except NotShareableError:
                found.append(CANNOT_CROSS)
    return found


@pytest.mark.check("correctness", points=2, timeout=10)
def test_results_in_order(exercise, student, task_log):
    assert_in_order_on_threads_of_the_caller(
        lambda func, items: exercise.interpreter_map(func, items, WORKERS),
        f"interpreter_map({{}}, workers={WORKERS})", student.pid, task_log,
        "this topic is about interpreters, which run inside your process. Use an "
        "InterpreterPoolExecutor.",
        ", in one interpreter. Hand them to `workers` interpreters: "
        "InterpreterPoolExecutor(max_workers=workers).")


@pytest.mark.check("speedup", points=4, timeout=15)
def test_interpreters_speed_up_cpu_work(exercise, student, check_report, speedup_plan,
                                        task_log, scratch):
    plan = speedup_plan
    lock = time_lock()
    work = TimedWork(task_log.directory, squarings_for(WORK_CPU_S / plan.tasks, lock.modulus),
                     lock.modulus)
    noting = NotingInterpreter(work, scratch / "interpreters")
    seeds = list(range(plan.tasks))
    interpreter_map = exercise.interpreter_map
    verdict, got = measure_thread_speedup(
        run_student=lambda: interpreter_map(noting, seeds, plan.workers), reference_func=work,
        items=seeds, log=task_log, plan=plan, student_pid=student.pid, work_cpu_s=WORK_CPU_S,
        kind=INTERPRETERS)
    # The trade, measured here on this machine: shown, never graded.
    interpreters = pool_start_up(InterpreterPoolExecutor, plan.workers)
    processes = pool_start_up(ProcessPoolExecutor, plan.workers)
    trade = (f"Here, starting {interpreters.describe('interpreters')}; starting "
             f"{processes.describe('processes')}.")
    check_report.record({**verdict.metrics,
                         "interpreters_start_s": interpreters.seconds,
                         "interpreters_memory_bytes": interpreters.memory_bytes,
                         "processes_start_s": processes.seconds,
                         "processes_memory_bytes": processes.memory_bytes,
                         # Shown under the check, passed or not.
                         "note": trade},
                        f"{verdict.message} {trade}")
    if verdict.structural:
        assert verdict.passed, verdict.message
    # The tasks' word: it can only fail the check. On a machine too busy to tell threads that
    # take turns from interpreters that do not, it still tells them apart.
    assert interpreters_noted(noting.log_dir) != {MAIN_INTERPRETER}, (
        f"All {plan.tasks} tasks ran in your main interpreter, on threads that share its one "
        "GIL and take turns on CPU work. Each interpreter of an InterpreterPoolExecutor has a "
        "GIL of its own: use one.")
    assert verdict.passed, verdict.message
    expected = [lock.answer(seed, work.iterations) for seed in seeds]
    assert got == expected, mismatch(f"interpreter_map(work, {plan.tasks} tasks, "
                                     f"workers={plan.workers})", got, expected,
                                     "Return every result, in the order of the items.")


@pytest.mark.check("correctness", points=3, timeout=10)
def test_what_crosses(exercise, student, check_report):
    values = student.make(values_to_send)  # made in the student's process: a lock is no data
    try:
        got = exercise.send_each(type_name, values, WORKERS)
    except StudentRaised as error:
        if not error.is_a(NotShareableError):
            raise
        raise AssertionError(
            "send_each raised NotShareableError: some values cannot cross to another "
            "interpreter (a lock, an event, a generator), and result() raises it for each. Catch "
            "it around each future's result() and give CANNOT_CROSS in that value's place.")
    expected = crossings_here()
    shown = [type(value).__name__ for value in values_to_send()]
    check_report.record({"values": shown, "crossed": [e != CANNOT_CROSS for e in expected]},
                        "Each value crossed, or was reported as unable to, as it should.")
    if not isinstance(got, list) or len(got) != len(expected):
        assert False, mismatch(f"send_each(type_name, <{len(expected)} values>, "
                               f"workers={WORKERS})", got, expected,
                               "Return one entry for every value, in the order of the values.")
    for kind, answer, truth in zip(shown, got, expected):
        if truth == CANNOT_CROSS:
            assert answer == CANNOT_CROSS, (
                f"A {kind} cannot cross to another interpreter, yet send_each gave {answer!r} "
                "for it. Interpreters share no objects: only copies of data cross, and a lock, "
                "an event or a generator is tied to the interpreter that made it. result() "
                "raises concurrent.interpreters.NotShareableError for it: catch that, and give "
                "CANNOT_CROSS.")
        else:
            assert answer == truth, (
                f"A {kind} crosses to another interpreter (as a copy), and func gave {truth!r} "
                f"there, yet send_each gave {answer!r}. Catch only NotShareableError: every "
                "other value's result must come back.")


@pytest.mark.check("hygiene", points=1, timeout=8)
def test_interpreters_are_closed(exercise, student, check_report):
    before = psutil.Process(student.pid).num_threads()
    items = list(range(50))
    got = exercise.interpreter_map(square, items, WORKERS)
    assert got == [square(x) for x in items], mismatch(
        f"interpreter_map(square, range(50), workers={WORKERS})", got,
        [square(x) for x in items], "Return every result, in the order of the items.")
    after = threads_once_ended(student.pid, before, waits.ENDING_S)
    # The kernel's count passes; what the student's process lists can only fail.
    alive = student.call(interpreters_alive)
    check_report.record({"threads_before": before, "threads_after": after,
                         "interpreters_after": alive},
                        "The interpreters were closed, and their threads ended, on return.")
    assert after <= before and alive <= 1, (
        f"After interpreter_map returned, your process still held {max(alive - 1, 0)} "
        f"interpreter(s) and {max(after - before, 0)} thread(s) it had started: each keeps its "
        "own modules in memory. Open the InterpreterPoolExecutor in a `with` block (or call "
        "shutdown()) inside the function, which closes its interpreters.")

