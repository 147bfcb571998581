"""Speedup verdicts from recorded evidence and thresholds that follow the usable CPUs.

No stopwatch here: the records are made up, so every verdict below is exact.
"""

import os

import pytest

from grader import system
from grader.speedup import SpeedupPlan, SpeedupRound, judge, max_concurrency, plan_for
from grader.workloads import TaskRecord

PARENT = os.getpid()


@pytest.mark.parametrize("cpus, workers, tasks, threshold", [
    (2, 2, 8, 1.4),    # CI: 2 lanes
    (4, 4, 16, 2.2),   # a 4-core laptop
    (16, 4, 16, 2.2),  # 16 cores: the plan uses 4 workers, so asks no more than 4 can give
    (3, 3, 12, 1.8),
])
def test_plan_and_threshold_follow_usable_cpus(cpus, workers, tasks, threshold):
    plan = plan_for(cpus)
    assert (plan.workers, plan.tasks, plan.threshold) == (workers, tasks, threshold)


def test_threshold_never_asks_more_than_the_work_allows():
    # 16 workers on 8 tasks cannot do better than 8 at once; 5 tasks on 4 lanes need 2 rounds.
    assert SpeedupPlan(workers=16, tasks=8, usable_cpus=16).parallelism == 8
    assert SpeedupPlan(workers=4, tasks=5, usable_cpus=4).parallelism == 2.5
    assert SpeedupPlan(workers=4, tasks=4, usable_cpus=1).threshold == 1.0


def test_max_concurrency():
    overlapping = [TaskRecord(1, 1, 0.0, 1.0, 1.0), TaskRecord(2, 1, 0.5, 1.5, 1.0),
                   TaskRecord(3, 1, 0.7, 0.8, 0.1)]
    assert max_concurrency(overlapping) == 3
    back_to_back = [TaskRecord(1, 1, 0.0, 1.0, 1.0), TaskRecord(2, 1, 1.0, 2.0, 1.0)]
    assert max_concurrency(back_to_back) == 1


def evidence(**changes) -> SpeedupRound:
    good = dict(serial_s=0.8, parallel_s=0.42, raw_speedup=1.9, speedup=1.9, serial_cpu_share=1.0,
                task_cpu_share=1.0, tasks_recorded=8, worker_pids=2, threads=2, max_concurrency=2,
                ran_in_parent=False, parent_cpu_s=0.01)
    return SpeedupRound(**{**good, **changes})


PLAN = SpeedupPlan(workers=2, tasks=8, usable_cpus=2)


@pytest.mark.parametrize("changes, words", [
    (dict(worker_pids=0, threads=2, ran_in_parent=True, speedup=0.98), "threads"),
    (dict(worker_pids=0, threads=1, ran_in_parent=True, speedup=1.0), "inside the grading process"),
    (dict(max_concurrency=1, speedup=0.9), "never two at once"),
    (dict(worker_pids=1, threads=1, max_concurrency=1, speedup=1.0), "single worker process"),
    (dict(tasks_recorded=0), "None of the tasks ran"),
    (dict(speedup=1.2), "below the 1.40x"),
])
def test_wrong_evidence_fails_with_a_reason(changes, words):
    verdict = judge(evidence(**changes), PLAN, rounds=1)
    assert not verdict.passed
    assert words in verdict.message
    assert verdict.structural == ("below" not in words)


def test_a_stopwatch_reading_cannot_pass_serial_code():
    # Even a (freak) fast reading does not pass code whose tasks all ran in the parent.
    verdict = judge(evidence(worker_pids=0, threads=1, ran_in_parent=True, speedup=2.5), PLAN, 1)
    assert not verdict.passed


def test_good_evidence_passes_and_records_the_numbers():
    verdict = judge(evidence(), PLAN, rounds=2)
    assert verdict.passed
    assert verdict.metrics["threshold"] == 1.4
    assert verdict.metrics["usable_cpus"] == 2 and verdict.metrics["rounds"] == 2


@pytest.mark.parametrize("cpu_max, expected", [
    ("max 100000", 2), ("50000 100000", 1), ("100000 100000", 1), ("400000 100000", 2),
])
def test_usable_cpus_respects_a_cgroup_v2_quota(tmp_path, monkeypatch, cpu_max, expected):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    (tmp_path / "cpu.max").write_text(cpu_max + "\n")
    count = system.usable_cpus(cgroup_root=tmp_path)
    assert count.count == expected
    assert ("quota" in count.source) == (expected < 2)


def test_usable_cpus_respects_a_cgroup_v1_quota(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("300000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert system.usable_cpus(cgroup_root=tmp_path).count == 3


def test_usable_cpus_uses_affinity_without_a_quota(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)
    count = system.usable_cpus(cgroup_root=tmp_path)
    assert (count.count, count.source) == (1, "CPU affinity")
