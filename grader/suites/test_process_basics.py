"""Checks for process_basics (lesson: Basic Process Creation)."""

import time

import pytest

from grader.measuring import baselines
from grader.measuring import leftovers
from grader.reporting.feedback import mismatch
from grader.measuring.speedup import WORK_CPU_S, SpeedupPlan, measure_speedup
from student_runtime.instruments.started import Unjoined
from student_runtime.workloads.tasks import (LargeResult, PausedSquare, TimedWork, exit_with,
                                             iterations_for, raise_error, sleep_forever)

DEADLINE_S = 0.5
# A hung child must be stopped soon after the deadline; terminate() and join() take milliseconds.
STOP_ALLOWANCE_S = 5.0
LARGE_RESULT_BYTES = 1_000_000
JOIN_BEFORE_DRAIN = (
    "The children had 1 MB results to send, and your code waited for them to exit before taking "
    "their results: a child that has put data on a Queue does not exit until that data is taken "
    "off the queue, so join() waits forever (the multiprocessing docs warn of this as 'joining "
    "processes that use queues'). Take every result off the queue first, then join the children."
)


@pytest.mark.check("correctness", points=2, timeout=8)
def test_exit_codes(exercise):
    args = [(0,), (3,), (7,)]
    got = exercise.start_all_then_join(exit_with, args)
    assert got == [0, 3, 7], mismatch(
        "start_all_then_join(exit_with, [(0,), (3,), (7,)])", got, [0, 3, 7],
        "After join(), each process's exit code is in its .exitcode; return them in order.")
    got = exercise.start_all_then_join(raise_error, [("on purpose",)])
    assert got == [1], mismatch(
        "start_all_then_join(raise_error, [('on purpose',)])", got, [1],
        "A child that dies of an uncaught exception exits with code 1: return p.exitcode.")


@pytest.mark.check("speedup", points=3, timeout=15)
def test_processes_run_together(exercise, student, check_report, speedup_plan, task_log):
    # One process per task here, so as many tasks as the plan has workers.
    plan = SpeedupPlan(workers=speedup_plan.workers, tasks=speedup_plan.workers,
                       usable_cpus=speedup_plan.usable_cpus)
    work = TimedWork(task_log.directory, iterations_for(WORK_CPU_S / plan.tasks))
    args = [(seed,) for seed in range(plan.tasks)]
    start_all_then_join = exercise.start_all_then_join  # looked up before the clock starts
    verdict, _, _ = measure_speedup(
        run_student=lambda: start_all_then_join(work, args),
        run_reference=lambda: baselines.spread(work, args, len(args)),
        log=task_log, plan=plan, student_pid=student.pid, work_cpu_s=WORK_CPU_S)
    check_report.record(verdict.metrics, verdict.message)
    assert verdict.passed, verdict.message


@pytest.mark.check("correctness", points=2, timeout=8)
def test_results_from_children(exercise, student, check_report, task_log):
    inputs = [0, 1, 2, 3, 4, 5]
    func = PausedSquare(task_log.directory)
    got = exercise.results_from_children(func, inputs)
    expected = [x * x for x in inputs]
    assert got == expected, mismatch(
        "results_from_children(square, [0, 1, 2, 3, 4, 5])", got, expected,
        "Children finish in any order (here the last input finishes first): send "
        "(index, result) pairs and put each result at its index.")
    pids = {record.pid for record in task_log.read()}
    check_report.record({"child_pids": len(pids - {student.pid})}, "Results came back in order.")
    assert student.pid not in pids, (
        "The results were computed in the calling process itself, not in child processes. "
        "Start one Process per input that calls func and puts the result on a Queue.")
    got = exercise.results_from_children(func, [])
    assert got == [], mismatch("results_from_children(square, [])", got, [],
                               "No inputs, no children, no results.")


@pytest.mark.check("hygiene", points=1, timeout=6)
def test_large_results_do_not_deadlock(exercise, check_report):
    check_report.timeout_advice["Process.join"] = JOIN_BEFORE_DRAIN
    inputs = [0, 1, 2, 3]
    func = LargeResult(LARGE_RESULT_BYTES)
    got = exercise.results_from_children(func, inputs)
    wrong = [i for i, x in enumerate(inputs) if i >= len(got) or got[i] != func(x)]
    assert len(got) == len(inputs) and not wrong, (
        f"Called results_from_children(func, {inputs}) with a func that returns 1 MB: got "
        f"{len(got)} results, and result(s) at {wrong} were not func(x) for their input. Put "
        "each result at the index of its input.")
    check_report.record({"result_bytes": LARGE_RESULT_BYTES, "children": len(inputs)},
                        f"{len(inputs)} results of 1 MB came back without a deadlock.")


@pytest.mark.check("hygiene", points=2, timeout=8)
def test_deadline_stops_hung_child(exercise, student, check_report):
    # Built in the student's process, where the child's Process object lives: only there can
    # "terminated but never joined" be seen under every start method (under forkserver the
    # child's exit is collected by the forkserver, so no zombie shows it to the grader).
    before = student.make(Unjoined)
    run_with_deadline = exercise.run_with_deadline
    started = time.monotonic()
    got = run_with_deadline(sleep_forever, (), DEADLINE_S)
    took = time.monotonic() - started
    unjoined = before.ended()
    try:
        check_report.record({"seconds_to_stop": round(took, 3), "unjoined": len(unjoined)},
                            f"A hung child was stopped after {took:.2f} s.")
        assert got is None, mismatch(
            f"run_with_deadline(sleep_forever, (), {DEADLINE_S})", got, None,
            "When the child is still alive after join(timeout), terminate() it, join() it, "
            "return None.")
        assert took < DEADLINE_S + STOP_ALLOWANCE_S, (
            f"run_with_deadline took {took:.1f} s to give up on a child with a {DEADLINE_S} s "
            "deadline. Pass the deadline to join(timeout=...) and stop the child right after.")
        assert not unjoined, leftovers.UNJOINED.format(what="The hung child")
    finally:
        before.reap()
    got = exercise.run_with_deadline(exit_with, (4,), 10.0)
    assert got == 4, mismatch("run_with_deadline(exit_with, (4,), 10.0)", got, 4,
                              "A child that finishes in time: return its exit code.")
