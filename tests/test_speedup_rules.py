"""Speedup verdicts from recorded evidence and thresholds that follow the usable CPUs.

No stopwatch here: the records are made up, so every verdict below is exact.
"""

import os

import pytest

from grader import system
from grader.measuring import speedup
from grader.measuring.speedup import (UNEVEN_SPLIT, RunEvidence, SpeedupPlan, evidence_from, judge,
                                     max_concurrency, measure_speedup, plan_for, threshold_for)
from student_runtime.workloads.tasks import TaskLog, TaskRecord, TimedWork, iterations_for
from tests.conftest import words_of

PARENT = os.getpid()


@pytest.mark.parametrize("cpus, workers, tasks, ideal", [
    (2, 2, 8, 1.4),    # CI: 2 lanes
    (4, 4, 16, 2.2),   # a 4-core laptop
    (16, 4, 16, 2.2),  # 16 cores: the plan uses 4 workers, so asks no more than 4 can give
    (3, 3, 12, 1.8),
    (1, 2, 8, 1.0),    # one CPU: still two workers, so that the structure can be judged
])
def test_plan_and_threshold_follow_usable_cpus(cpus, workers, tasks, ideal):
    plan = plan_for(cpus)
    assert (plan.workers, plan.tasks, plan.ideal_threshold) == (workers, tasks, ideal)
    assert plan.timing_possible == (cpus > 1)


def test_threshold_never_asks_more_than_the_work_allows():
    # 16 workers on 8 tasks cannot do better than 8 at once; 5 tasks on 4 lanes need 2 rounds.
    assert SpeedupPlan(workers=16, tasks=8, usable_cpus=16).parallelism == 8
    assert SpeedupPlan(workers=4, tasks=5, usable_cpus=4).parallelism == 2.5
    assert SpeedupPlan(workers=4, tasks=4, usable_cpus=1).ideal_threshold == 1.0


def test_max_concurrency():
    overlapping = [TaskRecord(1, 1, 0.0, 1.0, 1.0), TaskRecord(2, 1, 0.5, 1.5, 1.0),
                   TaskRecord(3, 1, 0.7, 0.8, 0.1)]
    assert max_concurrency(overlapping) == 3
    back_to_back = [TaskRecord(1, 1, 0.0, 1.0, 1.0), TaskRecord(2, 1, 1.0, 2.0, 1.0)]
    assert max_concurrency(back_to_back) == 1


def run(**changes) -> RunEvidence:
    good = dict(wall_s=0.42, task_cpu_s=0.8, task_cpu_share=1.0, raw_speedup=1.9, speedup=1.9,
                tasks_recorded=8, worker_pids=2, threads=2, max_concurrency=2,
                ran_in_parent=False, parent_cpu_s=0.01, threads_cpu_overlap=0.0)
    return RunEvidence(**{**good, **changes})


PLAN = SpeedupPlan(workers=2, tasks=8, usable_cpus=2)
REFERENCE = run()


@pytest.mark.parametrize("changes, words", [
    (dict(worker_pids=0, threads=2, ran_in_parent=True, speedup=0.98, threads_cpu_overlap=1.0),
     "take turns on the GIL"),
    (dict(worker_pids=0, threads=1, ran_in_parent=True, speedup=1.0), "inside the calling process"),
    (dict(max_concurrency=1, speedup=0.9), "never two at once"),
    (dict(worker_pids=1, threads=1, max_concurrency=1, speedup=1.0), "single worker process"),
    (dict(worker_pids=1, threads=1, max_concurrency=2, speedup=1.9), "single worker process"),
    (dict(tasks_recorded=0), "None of the tasks ran"),
    (dict(tasks_recorded=7), "Only 7 of the 8 tasks ran"),
    (dict(speedup=1.2), "below the 1.40x"),
])
def test_wrong_evidence_fails_with_a_reason(changes, words):
    verdict = judge(run(**changes), REFERENCE, PLAN, rounds=1)
    assert not verdict.passed
    assert words in verdict.message
    assert verdict.structural == ("below" not in words)


def test_threads_that_really_ran_in_parallel_are_told_apart_from_the_gil():
    # Recorded on a free-threaded build or with InterpreterPoolExecutor (Python 3.14): threads
    # of the calling process kept two CPUs busy at once.
    recorded = [TaskRecord(PARENT, 1, 0.0, 1.0, 0.98), TaskRecord(PARENT, 2, 0.0, 1.0, 0.97)]
    evidence = evidence_from(recorded, wall_s=1.02, parent_cpu_s=1.95, parent_pid=PARENT)
    assert evidence.threads_cpu_overlap == pytest.approx(1.95)
    verdict = judge(evidence, REFERENCE, SpeedupPlan(workers=2, tasks=2, usable_cpus=2), 1)
    assert not verdict.passed and verdict.structural
    assert "lets threads run Python code in parallel" in verdict.message
    assert "InterpreterPoolExecutor" in verdict.message
    assert "take turns on the GIL" not in verdict.message.split("would")[0]


def test_threads_taking_turns_on_the_gil_are_named_so(monkeypatch):
    # A build with a GIL, whatever this one is.
    monkeypatch.setattr(speedup, "gil_enabled", lambda: True)
    # Two threads of one process, each getting half of one CPU.
    recorded = [TaskRecord(PARENT, 1, 0.0, 1.0, 0.5), TaskRecord(PARENT, 2, 0.0, 1.0, 0.5)]
    evidence = evidence_from(recorded, wall_s=1.0, parent_cpu_s=1.0, parent_pid=PARENT)
    verdict = judge(evidence, REFERENCE, SpeedupPlan(workers=2, tasks=2, usable_cpus=2), 1)
    assert "threads take turns on the GIL" in verdict.message


def test_cpu_lost_to_the_gil_is_not_taken_for_a_busy_machine():
    # The two threads each got half a CPU because they waited for one GIL: the student's design,
    # not other programs, so the speedup stays what the clock says.
    recorded = [TaskRecord(PARENT, 1, 0.0, 1.0, 0.5), TaskRecord(PARENT, 2, 0.0, 1.0, 0.5)]
    evidence = evidence_from(recorded, wall_s=1.0, parent_cpu_s=1.0, parent_pid=PARENT)
    assert evidence.speedup == evidence.raw_speedup == 1.0


def test_a_stopwatch_reading_cannot_pass_serial_code():
    # Even a (freak) fast reading does not pass code whose tasks all ran in the parent.
    verdict = judge(run(worker_pids=0, threads=1, ran_in_parent=True, speedup=2.5), REFERENCE,
                    PLAN, 1)
    assert not verdict.passed


def test_good_evidence_passes_and_records_the_numbers():
    verdict = judge(run(), REFERENCE, PLAN, rounds=2)
    assert verdict.passed and verdict.timing_judged
    metrics = verdict.metrics
    assert metrics["threshold"] == 1.4 and metrics["timing_judged"] is True
    assert metrics["usable_cpus"] == 2 and metrics["rounds"] == 2
    assert metrics["serial_s"] == 0.8 and "CPU time" in metrics["serial_source"]
    assert metrics["reference_speedup"] == 1.9


def test_a_split_that_gives_one_worker_nearly_all_the_work_fails_however_low_the_threshold():
    # pool_map with chunksize len(items) - 1 beside a busy machine's kit run: the stopwatch asks
    # only 1.11x, which the lopsided split reaches; the kernel's CPU split cannot be lowered so.
    busy_kit = run(speedup=1.39, kernel_busiest_cpu_s=0.52, kernel_others_cpu_s=0.5)
    lopsided = run(speedup=1.13, kernel_busiest_cpu_s=0.9, kernel_others_cpu_s=0.16)
    verdict = judge(lopsided, busy_kit, PLAN, 1)
    assert not verdict.passed and not verdict.structural
    assert words_of(UNEVEN_SPLIT) in verdict.message
    assert verdict.metrics["split_allows"] == 1.18
    assert verdict.metrics["reference_split_allows"] == 1.96
    # An even split passes on the stopwatch as before.
    assert judge(run(speedup=1.13, kernel_busiest_cpu_s=0.53, kernel_others_cpu_s=0.5), busy_kit,
                 PLAN, 1).passed


def test_a_split_made_uneven_by_slow_start_up_is_left_to_the_stopwatch():
    # The kit's own pool, at the same moment, was split as unevenly: a worker started late.
    late_start_kit = run(speedup=1.5, kernel_busiest_cpu_s=0.7, kernel_others_cpu_s=0.32)
    verdict = judge(run(speedup=1.3, kernel_busiest_cpu_s=0.68, kernel_others_cpu_s=0.34),
                    late_start_kit, PLAN, 1)
    assert verdict.passed, verdict.message
    # Without the kernel's figures (records alone) the rule is not applied.
    assert judge(run(speedup=1.3), late_start_kit, PLAN, 1).passed


def test_threshold_follows_the_kits_own_run():
    # Spawn start-up made the kit's own pool reach only 1.5x: asking 1.4x would fail it.
    slow_start = run(speedup=1.5)
    assert threshold_for(PLAN, slow_start) == 1.2
    assert judge(run(speedup=1.3), slow_start, PLAN, 1).passed
    assert not judge(run(speedup=1.1), slow_start, PLAN, 1).passed
    # It never asks more than the ideal allows.
    assert threshold_for(PLAN, run(speedup=3.0)) == PLAN.ideal_threshold


def test_time_is_not_judged_when_the_kits_own_run_shows_no_gain():
    verdict = judge(run(speedup=1.05), run(speedup=1.1), PLAN, 1)
    assert verdict.passed and not verdict.timing_judged
    assert verdict.metrics["timing_judged"] is False
    assert "too busy" in verdict.metrics["timing_note"]


def test_on_one_cpu_structure_is_judged_and_time_is_not():
    one_cpu = plan_for(1)
    verdict = judge(run(), None, one_cpu, 1)
    assert verdict.passed and not verdict.timing_judged
    assert "only 1 CPU is usable" in verdict.message
    serial = judge(run(worker_pids=0, threads=1, ran_in_parent=True), None, one_cpu, 1)
    assert not serial.passed and serial.structural


def test_measure_speedup_skips_the_kits_run_when_the_structure_fails(tmp_path):
    log = TaskLog(tmp_path)
    calls = []
    work = TimedWork(tmp_path, iterations_for(0.01))
    verdict, got, reference = measure_speedup(
        run_student=lambda: [work(seed) for seed in range(8)],
        run_reference=lambda: calls.append("reference"), log=log, plan=PLAN)
    assert not verdict.passed and verdict.structural
    assert calls == [] and reference is None and len(got) == 8


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


def test_a_quota_set_on_the_process_own_cgroup_counts_too(tmp_path):
    # A host's service manager, or a grader started in a cgroup of its own: the quota sits
    # below the root, on the cgroup this process is in, or one above it.
    nested = tmp_path / "cpu" / "grading" / "job"
    nested.mkdir(parents=True)
    (tmp_path / "cpu" / "grading" / "cpu.cfs_quota_us").write_text("50000\n")
    (tmp_path / "cpu" / "grading" / "cpu.cfs_period_us").write_text("100000\n")
    assert system._cgroup_quota(tmp_path, ("/", "/grading/job")) == 0.5
    (tmp_path / "cgroup.controllers").write_text("cpu\n")
    (tmp_path / "box").mkdir()
    (tmp_path / "box" / "cpu.max").write_text("150000 100000\n")
    assert system._cgroup_quota(tmp_path, ("/box", "/")) == 1.5


def test_usable_cpus_uses_affinity_without_a_quota(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)
    count = system.usable_cpus(cgroup_root=tmp_path)
    assert (count.count, count.source) == (1, "CPU affinity")
