"""Checks for process_basics (lesson: Basic Process Creation)."""

import os
import time

import pytest

from grader.feedback import mismatch
from grader.speedup import SERIAL_WORK_S, SpeedupPlan, measure_speedup
from grader.workloads import PausedSquare, TimedWork, exit_with, iterations_for, raise_error, sleep_forever

DEADLINE_S = 0.5
# A hung child must be stopped soon after the deadline; terminate() and join() take milliseconds.
STOP_ALLOWANCE_S = 5.0


@pytest.mark.check("correctness", points=2)
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


@pytest.mark.check("speedup", points=3)
def test_processes_run_together(exercise, check_report, speedup_plan, task_log):
    # One process per task here, so as many tasks as the plan has workers.
    plan = SpeedupPlan(workers=speedup_plan.workers, tasks=speedup_plan.workers,
                       usable_cpus=speedup_plan.usable_cpus)
    work = TimedWork(task_log.directory, iterations_for(SERIAL_WORK_S / plan.tasks))
    seeds = list(range(plan.tasks))
    verdict = measure_speedup(
        run_serial=lambda: [work(seed) for seed in seeds],
        run_parallel=lambda: exercise.start_all_then_join(work, [(seed,) for seed in seeds]),
        log=task_log, plan=plan)
    check_report.record(verdict.metrics, verdict.message)
    assert verdict.passed, verdict.message


@pytest.mark.check("correctness", points=3)
def test_results_from_children(exercise, check_report, task_log):
    inputs = [0, 1, 2, 3, 4, 5]
    func = PausedSquare(task_log.directory)
    got = exercise.results_from_children(func, inputs)
    expected = [x * x for x in inputs]
    assert got == expected, mismatch(
        "results_from_children(square, [0, 1, 2, 3, 4, 5])", got, expected,
        "Children finish in any order (here the last input finishes first): send "
        "(index, result) pairs and put each result at its index.")
    pids = {record.pid for record in task_log.read()}
    check_report.record({"child_pids": len(pids - {os.getpid()})}, "Results came back in order.")
    assert os.getpid() not in pids, (
        "The results were computed in the grading process itself, not in child processes. "
        "Start one Process per input that calls func and puts the result on a Queue.")
    got = exercise.results_from_children(func, [])
    assert got == [], mismatch("results_from_children(square, [])", got, [],
                               "No inputs, no children, no results.")


@pytest.mark.check("hygiene", points=2)
def test_deadline_stops_hung_child(exercise, check_report):
    started = time.monotonic()
    got = exercise.run_with_deadline(sleep_forever, (), DEADLINE_S)
    took = time.monotonic() - started
    check_report.record({"seconds_to_stop": round(took, 3)}, f"A hung child was stopped after {took:.2f} s.")
    assert got is None, mismatch(
        f"run_with_deadline(sleep_forever, (), {DEADLINE_S})", got, None,
        "When the child is still alive after join(timeout), terminate() it, join() it, return None.")
    assert took < DEADLINE_S + STOP_ALLOWANCE_S, (
        f"run_with_deadline took {took:.1f} s to give up on a child with a {DEADLINE_S} s deadline. "
        "Pass the deadline to join(timeout=...) and stop the child right after.")
    got = exercise.run_with_deadline(exit_with, (4,), 10.0)
    assert got == 4, mismatch("run_with_deadline(exit_with, (4,), 10.0)", got, 4,
                              "A child that finishes in time: return its exit code.")
