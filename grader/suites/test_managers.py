"""Checks for managers (lesson: Manager for Complex Shared Objects).

The dict, Namespace and Lock handed to count_votes and track_progress behave like a manager's
proxies, but the process that keeps their contents is the grader (measuring/served_store.py),
which learns who calls from the operating system: the final counts and which processes wrote
them are the grader's own record, never the student's processes' account. A read made without
holding the lock pauses before it answers, widening the gap between the read and the write of
`votes[name] += 1`, so an unlocked read-modify-write loses updates on every run, while code that
holds the lock, or merges local counts once under it, never does. A read through the stand-in
is timed, in the student's process, against a plain dict's, and the figure words the messages.
collect_results starts a manager of its own: its results must come back as a plain list,
computed in worker processes, and its manager's process must have ended when it returns (the
student's process names which of its children is a manager; the grader sees whether it runs).
"""

import random
from collections import Counter
from multiprocessing.managers import BaseProxy

import pytest

from grader.measuring import leftovers
from grader.measuring.proxy_costs import measure_round_trip
from grader.measuring.served_store import ServedStore, served_store
from grader.reporting.feedback import mismatch, shown
from grader.reporting.verdicts import ANY_CALL
from grader import system
from grader.running.student_process import Remote
from student_runtime.instruments.served_manager import (ServedDict, ServedManagerLock,
                                                        ServedNamespace)
from student_runtime.instruments.started import started_processes
from student_runtime.workloads.items import StaggeredSquare

WORKERS = 4
CANDIDATES = ("ada", "grace", "linus")
LOCK_HELD_FOREVER = (
    "The workers never finished; here the usual cause is a worker waiting for a lock that is "
    "never released. Take it with `with lock:`, which releases it at the end of the block even "
    "after an error, and never ask for it again while holding it: a manager Lock is not "
    "re-entrant."
)
LOST_UPDATES = (
    "{what} `{expr}` through a manager proxy is two round trips to the manager's process, a read "
    "and then a write; one read took {cost}. A write by another process in between is "
    "overwritten, and {unlocked:,} writes were made without holding the lock. Hold `lock` from "
    "the read through the write, or count your share locally and add each total once, under "
    "the lock."
)


def ballots_for(count: int, candidates) -> list[str]:
    """The same pseudo-random ballots on every run."""
    return random.Random(count).choices(candidates, k=count)


def expected_votes(ballots, candidates) -> dict:
    return {name: Counter(ballots)[name] for name in candidates}


def is_proxy(student, got) -> bool:
    """Whether an answer is a manager's proxy, or the grader's stand-in for one (both are only
    handles on an object kept in another process)."""
    return isinstance(got, Remote) and student.call(
        isinstance, got, (BaseProxy, ServedDict, ServedNamespace)) is True


def assert_not_a_proxy(student, got, call: str, copy: str) -> None:
    assert not is_proxy(student, got), (
        f"{call} returned the manager's proxy ({got.remote_type.rpartition('.')[2]}) instead of "
        f"a copy of its contents: a proxy is only a handle on an object in the manager's "
        f"process, and is useless once that process has shut down. Return {copy}.")


def assert_written_by_workers(store: ServedStore, what: str, student_pid: int) -> None:
    assert store.writer_pids - {student_pid}, (
        f"Every write to {what} came from the calling process itself, so no other process "
        "updated it. Start worker processes and pass them the proxies in args=(...).")


def race_metrics(store: ServedStore, expected: int, final: int) -> dict:
    return {"expected": expected, "final": final, "lost_updates": expected - final,
            "unlocked_writes": store.unlocked_writes, "workers": WORKERS,
            "workers_started_together": store.workers_arrived,
            "writer_processes": len(store.writer_pids)}


def lost_updates_message(what: str, expr: str, round_trip, store: ServedStore) -> str:
    return LOST_UPDATES.format(what=what, expr=expr, cost=round_trip.described(),
                               unlocked=store.unlocked_writes)


def unlocked_note(store: ServedStore) -> str:
    """A pointer to the lock when some writes were made without it, else nothing."""
    if not store.unlocked_writes:
        return ""
    return (f" {store.unlocked_writes:,} writes were made without holding the lock, so some "
            "updates were probably lost.")


@pytest.mark.check("correctness", points=2, timeout=6)
def test_votes_counted(exercise, student, check_report, scratch):
    check_report.timeout_advice[ANY_CALL] = LOCK_HELD_FOREVER
    ballots = ballots_for(103, CANDIDATES)
    with served_store(student, scratch, dict.fromkeys(CANDIDATES, 0), WORKERS, window_s=0,
                      reentrant=False) as store:
        votes = ServedDict(store.address)
        round_trip = measure_round_trip(student, votes, key=CANDIDATES[0])
        got = exercise.count_votes(votes, ServedManagerLock(store.address), ballots, WORKERS)
        kept = dict(store.values)
    call = f"count_votes(votes, lock, <{len(ballots)} ballots>, {WORKERS})"
    assert_not_a_proxy(student, got, call, "votes.copy(), taken after joining the workers")
    expected = expected_votes(ballots, CANDIDATES)
    assert got == expected, mismatch(
        call, got, expected, f"Give each of the {WORKERS} workers its share, ballots[i::workers], "
        "so that every ballot is counted once, and return votes.copy() after joining them all."
        + unlocked_note(store))
    assert kept == expected, mismatch(
        "the votes dict itself", kept, expected, "Count in the dict you were given, not in a copy.")
    assert_written_by_workers(store, "votes", student.pid)
    check_report.record({**round_trip.metrics(), "writer_processes": len(store.writer_pids)},
                        f"{WORKERS} processes counted {len(ballots)} ballots. Each read through "
                        f"the dict proxy took {round_trip.described()}.")


@pytest.mark.check("race", points=3, timeout=6)
def test_votes_have_no_lost_updates(exercise, student, check_report, scratch):
    check_report.timeout_advice[ANY_CALL] = LOCK_HELD_FOREVER
    ballots = ballots_for(WORKERS * 25, CANDIDATES[:2])
    with served_store(student, scratch, dict.fromkeys(CANDIDATES[:2], 0), WORKERS,
                      reentrant=False) as store:
        votes = ServedDict(store.address)
        round_trip = measure_round_trip(student, votes, key=CANDIDATES[0])
        exercise.count_votes(votes, ServedManagerLock(store.address), ballots, WORKERS)
        final = dict(store.values)
    counted, expected = sum(final.values()), len(ballots)
    check_report.record({**race_metrics(store, expected, counted), **round_trip.metrics()},
                        f"No vote lost in {expected} updates with a widened race window. Each read "
                        f"through the proxy took {round_trip.described()}.")
    assert counted >= expected, lost_updates_message(
        f"The votes added up to {counted:,} of {expected:,} ballots: {expected - counted:,} were "
        "lost.", "votes[name] += 1", round_trip, store)
    assert final == expected_votes(ballots, CANDIDATES[:2]), mismatch(
        f"count_votes(votes, lock, <{expected} ballots>, {WORKERS})", final,
        expected_votes(ballots, CANDIDATES[:2]), "Add exactly 1 for each ballot, to its own name.")
    assert_written_by_workers(store, "votes", student.pid)


@pytest.mark.check("race", points=2, timeout=6)
def test_progress_has_no_lost_updates(exercise, student, check_report, scratch):
    check_report.timeout_advice[ANY_CALL] = LOCK_HELD_FOREVER
    jobs = list(range(1, WORKERS * 20 + 1))
    with served_store(student, scratch, {"done": 0, "total": 0}, WORKERS,
                      reentrant=False) as store:
        progress = ServedNamespace(store.address)
        round_trip = measure_round_trip(student, progress, attribute="done")
        got = exercise.track_progress(progress, ServedManagerLock(store.address), jobs, WORKERS)
        done, total = store.values["done"], store.values["total"]
    expected = (len(jobs), sum(jobs))
    check_report.record({**race_metrics(store, len(jobs), done), **round_trip.metrics()},
                        f"No update of progress lost in {len(jobs)} jobs with a widened race "
                        f"window. Each read through the Namespace proxy took "
                        f"{round_trip.described()}.")
    assert done >= len(jobs) and total >= sum(jobs), lost_updates_message(
        f"progress.done ended at {done:,} of {len(jobs):,} and progress.total at {total:,} of "
        f"{sum(jobs):,}: updates were lost.", "progress.done += 1", round_trip, store)
    assert (done, total) == expected, mismatch(
        f"track_progress(progress, lock, {shown(jobs)}, {WORKERS})", (done, total), expected,
        "For each job, add 1 to progress.done and the job itself to progress.total.")
    got = tuple(got) if isinstance(got, (list, tuple)) else got
    assert got == expected, mismatch(
        f"track_progress(progress, lock, <{len(jobs)} jobs>, {WORKERS})", got, expected,
        "Return (progress.done, progress.total), read after joining every worker.")
    assert_written_by_workers(store, "progress", student.pid)


@pytest.mark.check("hygiene", points=1, timeout=6)
def test_manager_is_shut_down(exercise, student, check_report, task_log):
    got = exercise.collect_results(StaggeredSquare(task_log.directory, {}), [1, 2, 3, 4], 2)
    # The student's process names its children; whether one still runs is the grader's own
    # look (and any process left running fails the check anyway, at the leftover guard).
    running = [started for started in
               leftovers.labels_from(student.call(started_processes)).values()
               if started.kind == "manager" and system.is_running(started.pid)]
    kept_alive = (" Returning the proxy keeps the manager alive: return a plain copy instead, made "
                  "inside the block." if is_proxy(student, got) else "")
    check_report.record({"managers_left_running": len(running)},
                        "The manager's process had ended when collect_results returned.")
    assert not running, (
        f"collect_results returned while its manager was still running ({running[0].label}, "
        f"pid {running[0].pid}). A Manager is a process of its own that runs until shutdown() is "
        "called: open it with `with Manager() as manager:`, once per call, so that it shuts down "
        "when the block ends." + kept_alive)


@pytest.mark.check("correctness", points=2, timeout=6)
def test_results_collected(exercise, student, check_report, task_log):
    items, workers = list(range(10)), 3
    got = exercise.collect_results(StaggeredSquare(task_log.directory, {}, 0.01), items, workers)
    call = f"collect_results(square, {items}, {workers})"
    assert_not_a_proxy(student, got, call, "a plain, sorted copy made inside the `with` block: "
                       "sorted(results[:])")
    expected = [(x, x * x) for x in items]
    if isinstance(got, list) and all(isinstance(pair, (list, tuple)) for pair in got):
        got = [tuple(pair) for pair in got]
    assert got == expected, mismatch(
        call, got, expected, f"Each of the {workers} workers appends (item, func(item)) for its "
        "share, items[i::workers]; join them all before copying the list out, sorted.")
    pids = {record.pid for record in task_log.read()}
    assert student.pid not in pids, (
        "The results were computed in the calling process itself, not in worker processes. "
        "Start the workers as Processes, passing each the list proxy, func and its share.")
    assert len(pids) >= 2, (
        f"All {len(items)} results were computed by a single process. Start {workers} workers, "
        "each with its own share of the items, before joining any of them.")
    check_report.record({"worker_processes": len(pids)},
                        f"{len(pids)} processes appended {len(items)} results to a manager list.")
