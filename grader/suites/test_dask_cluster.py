"""Checks for dask_cluster (track: modern; lesson: "Modern Parallel Python", Dask).

The student's start_cluster() makes one LocalCluster, kept for all the checks: its start-up is
timed once, apart, and never counted in a speedup. Its worker processes are children of the
student's process, so the kernel's accounting shows who did the work, as in the lesson's
topics. Between checks the grader lets run the workers that Dask names and the kernel shows as
children of the student's process; the last check closes the cluster and sees for itself what
ended. What travelled between the cluster's processes is the kernel's count of the loopback
interface, through which all their TCP connections go; the grader kills a worker mid-task itself.
"""

import copy
import time
from collections import Counter

import psutil
import pytest

from grader import system, waits
from grader.measuring import baselines
from grader.measuring.puzzles import squarings_for, time_lock
from grader.measuring.transfer import bytes_through_loopback
from grader.measuring.worker_kill import worker_killed_mid_task
from grader.reporting.feedback import mismatch
from grader.reporting.verdicts import ANY_CALL
from grader.running.kept_cluster import KeptCluster
from grader.suites.shared_checks import (assert_block_sums, assert_not_in_calling_process,
                                         assert_parallel_map_speeds_up,
                                         assert_results_come_as_they_finish)
from student_runtime.instruments.dask_clusters import cluster_workers
from student_runtime.workloads.arrays import ClusterBlockSum, values_of
from student_runtime.workloads.items import StaggeredSquare
from student_runtime.workloads.tasks import TaskLog, TimedWork, square

# Item 0 of the results-as-they-finish check takes this long, so it finishes last though it
# was handed out first.
SLOW_ITEM_S = 0.3
# 16 MB in 8 blocks: passed with every task, the array crosses the loopback twice per task
# (client to scheduler, scheduler to worker); scattered, once to a worker and once to each of
# the others that needs it.
ARRAY_ELEMENTS = 2_000_000
BLOCKS = 8
# Other programs' traffic can only add to the loopback count: a reading over the limit is taken
# again before it fails the check.
LOOPBACK_READINGS = 2
# Killed mid-task: CPU work long enough that the kill lands inside a task.
KILL_TASKS = 4
KILL_TASK_CPU_S = 0.2
# How long a killed worker's replacement gets to start (about a second on 2 busy cores).
RESTART_WAIT_S = 5.0
IN_WORKER_PROCESSES = (
    "Start the cluster with LocalCluster(n_workers=workers, threads_per_worker=1, "
    "processes=True) and hand the tasks to its client: processes=False makes every worker a "
    "thread of your own process.")
PINNED_TO_A_DEAD_WORKER = (
    "The grader killed a worker in the middle of a task, and Dask started a new one in its place, "
    "at a new address. A task that may run only on the dead worker (client.submit(..., "
    "workers=...)) waits for it forever: let the scheduler place the tasks, and it runs a lost "
    "task again elsewhere.")

# The student's cluster, started by the first check that needs it and kept for the others.
_kept = KeptCluster()


@pytest.fixture
def cluster(exercise, student, speedup_plan, kept_between_checks):
    """cluster() in a check gives the client of the student's cluster of speedup_plan.workers
    workers, started by their start_cluster() when there is none yet."""
    yield lambda: _kept.client(lambda: exercise.start_cluster(speedup_plan.workers),
                               student.generation)
    kept_between_checks.clear()
    if student.alive() and _kept.kept_in(student.generation):
        try:
            kept_between_checks.update(student.call(cluster_workers, timeout_s=waits.ANSWERING_S))
        except Exception:  # noqa: BLE001 - a stuck or broken process: its processes are killed
            pass


def wait_for_replacement(student, workers: int) -> None:
    """Wait up to RESTART_WAIT_S until the cluster has `workers` workers again, as Dask names
    them: a worker killed by a check is replaced by its Nanny, and a replacement that appeared
    only after the naming between checks would be taken for a leftover."""
    deadline = time.monotonic() + RESTART_WAIT_S
    while (len(student.call(cluster_workers, timeout_s=waits.ANSWERING_S)) < workers
           and time.monotonic() < deadline):
        time.sleep(0.05)


def on_cluster(exercise, client):
    """The student's map_on_cluster on this client, called as student_map(func, items, workers)."""
    return lambda func, items, workers: exercise.map_on_cluster(client, func, items)


@pytest.mark.check("correctness", points=2, timeout=15)
def test_results_in_order(exercise, student, cluster, task_log):
    client = cluster()
    func = StaggeredSquare(task_log.directory, {0: 0.1}, 0.0)
    items = list(range(40))
    got = exercise.map_on_cluster(client, func, items)
    expected = [x * x for x in items]
    assert got == expected, mismatch(
        "map_on_cluster(client, square, range(40))", got, expected,
        "gather() the futures of client.map() as they are, a list in the order of the items, "
        "however the workers finish (item 0 here finishes last).")
    records = TaskLog(func.log_dir).read()
    assert_not_in_calling_process(records, "map_on_cluster", IN_WORKER_PROCESSES, student.pid)
    threads = Counter(pid for pid, _ in {(record.pid, record.thread) for record in records})
    crowded = {pid: count for pid, count in threads.items() if count > 1}
    assert not crowded, (
        f"Tasks ran on {max(crowded.values())} threads of one worker process: its threads take "
        "turns on that process's GIL. Give each worker one thread (threads_per_worker=1), and "
        "as many worker processes as you were asked for.")
    got = exercise.map_on_cluster(client, square, [])
    assert got == [], mismatch("map_on_cluster(client, square, [])", got, [],
                               "No items give an empty list of results.")


@pytest.mark.check("speedup", points=3, timeout=15)
def test_speedup(exercise, student, cluster, check_report, speedup_plan, task_log):
    client = cluster()
    # The workers import the tasks' code on their first task: that, like the cluster's start-up,
    # is paid once, and is not what the check times.
    exercise.map_on_cluster(client, square, list(range(2 * speedup_plan.workers)))
    assert_parallel_map_speeds_up(on_cluster(exercise, client), baselines.spread_items,
                                  "map_on_cluster", speedup_plan, task_log, check_report,
                                  student=student)
    startup_s = _kept.startup_s
    check_report.record({"cluster_startup_s": round(startup_s, 3)},
                        f"{check_report.summary} Timed: the tasks alone, on the cluster already "
                        f"running (its start-up took {startup_s:.2f} s, once).")


@pytest.mark.check("correctness", points=1, timeout=15)
def test_results_as_they_finish(exercise, student, cluster, check_report, task_log):
    client = cluster()
    assert_results_come_as_they_finish(
        lambda func, items: exercise.as_they_finish(client, func, items), "as_they_finish",
        task_log, check_report, student.pid, slow_s=SLOW_ITEM_S, advice={
            "none_ran": "Hand the items to client.map().", "in_workers": IN_WORKER_PROCESSES,
            "order": "Loop over as_completed(futures) and yield each future's result; gather() "
                     "and a loop over the futures keep the order of the items."})


@pytest.mark.check("hygiene", points=1, timeout=15)
def test_large_input_is_scattered(exercise, student, cluster, check_report, scratch, speedup_plan):
    client = cluster()
    values = values_of(ARRAY_ELEMENTS)
    given = student.make(copy.copy, values)  # kept in the student's process: not sent again
    func = ClusterBlockSum(scratch / "arrays")
    # Scattered: once to one worker, once from it to each other worker, and a little more.
    limit = (speedup_plan.workers + 2) * values.nbytes
    readings = []
    for _ in range(LOOPBACK_READINGS):
        with bytes_through_loopback() as sent:
            got = student.call(exercise.block_results, client, func, given, BLOCKS)
        readings.append(sent["total"])
        if sent["total"] is None or sent["total"] <= limit:
            break
    assert_block_sums(got, values, BLOCKS,
                      f"block_results(client, func, <{ARRAY_ELEMENTS:,} values>, blocks={BLOCKS})")
    sent_bytes = None if None in readings else min(readings)
    arrays = func.arrays()
    copies = [elements for pid, held, elements in arrays if not held and pid != student.pid]
    check_report.record({"array_bytes": values.nbytes, "loopback_bytes": sent_bytes,
                         "loopback_limit": limit, "tasks": len(arrays),
                         "tasks_given_a_copy": len(copies)},
                        f"The {values.nbytes:,}-byte array reached the {len(arrays)} tasks from "
                        "the workers' store: sent once with scatter()"
                        + (f" ({sent_bytes:,} bytes through the loopback)."
                           if sent_bytes is not None else "."))
    assert sent_bytes is None or sent_bytes <= limit, (
        f"The cluster's processes sent {sent_bytes:,} bytes to one another for a "
        f"{values.nbytes:,}-byte array and {BLOCKS} tasks ({sent_bytes / values.nbytes:.1f} "
        "times its size): the array "
        "travelled with every task. Send it once with client.scatter(table), and pass the "
        "future it returns to client.submit() in its place.")
    assert not copies, (
        f"{len(copies)} of the {len(arrays)} tasks got the array as a copy that came with the "
        "task, not from their worker's store: send it once with client.scatter(table), and "
        "pass the future it returns to client.submit() in its place.")


@pytest.mark.check("correctness", points=2, timeout=10)
def test_killed_worker_loses_nothing(exercise, student, cluster, check_report, task_log):
    client = cluster()
    check_report.timeout_advice[ANY_CALL] = PINNED_TO_A_DEAD_WORKER
    lock = time_lock()
    work = TimedWork(task_log.directory, squarings_for(KILL_TASK_CPU_S, lock.modulus),
                     lock.modulus)
    seeds = list(range(KILL_TASKS))
    workers = len(student.call(cluster_workers))
    with worker_killed_mid_task(student.pid, wait_s=10.0) as killed:
        got = exercise.map_on_cluster(client, work, seeds)
    if killed.pid is not None:
        wait_for_replacement(student, workers)
    expected = [lock.answer(seed, work.iterations) for seed in seeds]
    check_report.record({"killed_worker": killed.pid, "tasks": KILL_TASKS},
                        "A worker was killed in the middle of a task, and every result still "
                        "came back: Dask ran the lost task again on another worker.")
    assert killed.pid is not None, (
        f"No worker process of your cluster computed any of the {KILL_TASKS} tasks, so none "
        f"could be killed. {IN_WORKER_PROCESSES}")
    assert got == expected, mismatch(
        f"map_on_cluster(client, work, {KILL_TASKS} tasks) with a worker killed mid-task", got,
        expected, "Return every result, in the order of the items: hand the tasks to the "
        "scheduler (client.map or client.submit) and gather their futures, and it runs a lost "
        "task again on another worker.")


@pytest.mark.check("hygiene", points=1, timeout=15)
def test_cluster_is_closed(exercise, student, cluster, check_report):
    client = cluster()
    # By the kernel: every process of the student's but its process's own helpers.
    workers = system.student_leftovers(student.pid, student.config.run_as)
    exercise.close_cluster(client)
    _kept.forget()
    still = system.wait_until_stopped(workers, waits.STOPPING_S)
    check_report.record({"workers": len(workers), "workers_left": len(still)},
                        f"close_cluster() ended the cluster's {len(workers)} worker process(es) "
                        "and the client's connections.")
    assert workers, f"start_cluster() started no worker process to close. {IN_WORKER_PROCESSES}"
    assert not still, (
        f"{len(still)} of the cluster's {len(workers)} worker processes still ran "
        f"{waits.STOPPING_S:g} s after close_cluster() returned: closing the client leaves its "
        "cluster running. Close the cluster too (client.cluster.close()).")
    connections = _connections_once_closed(student.pid, waits.STOPPING_S)
    check_report.metrics.update(connections_left=connections)
    assert not connections, (
        f"Your process still held {connections} network connection(s) {waits.STOPPING_S:g} s after "
        "close_cluster() returned: the scheduler, or a client, is still open. Close the client "
        "(client.close()) and then its cluster.")


def _connections_once_closed(pid: int, wait_s: float) -> int:
    """The TCP connections and listening sockets of process pid, by the kernel's count, once
    they have had up to wait_s to close (0 where the kernel does not say)."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            process = psutil.Process(pid)
            # net_connections() is psutil 6's name for connections(), which later ones drop.
            connections = getattr(process, "net_connections", None) or process.connections
            count = len(connections(kind="tcp"))
        except psutil.Error:
            return 0
        if count == 0 or time.monotonic() >= deadline:
            return count
        time.sleep(0.05)

