"""A hang is called early only on the kernel's evidence that nothing comes of the student's
processes: a tree of blocked processes, a caller that spins while the workers it started sit
idle, or workers it started that run without a word to the desk. A task that pauses on purpose,
a worker that speaks as it works, a caller busy on its own, helpers started before the call
and idle workers that tick are not hangs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from grader.call_errors import ALL_IDLE, CALLER_SPINNING, WORKERS_SILENT
from grader.measuring import task_desk
from grader.running import stall_watch
from grader.running.stall_watch import StallWatch, seconds_since_boot
from student_runtime.workloads import notes

pytestmark = pytest.mark.skipif(not task_desk.desk_possible() or seconds_since_boot() is None,
                                reason="only Linux lists a process's children and hears its tasks")
ROOT = Path(__file__).resolve().parents[1]
BLOCKS = "import time; time.sleep(60)"
SPINS = "while True: pass"
STARTS_A_SLEEPER_THEN_SPINS = (
    "import subprocess, sys, time\n"
    f"subprocess.Popen([sys.executable, '-c', {BLOCKS!r}])\n"
    "time.sleep(0.2)\n"
    f"{SPINS}\n")
PAUSES = "from student_runtime.workloads import notes; notes.pause(60)"
STARTS_A_SPINNER_THEN_WAITS = (
    "import subprocess, sys\n"
    "subprocess.Popen([sys.executable, '-c', sys.argv[1]]).wait()\n")
SPINS_AND_SPEAKS = ("from student_runtime.workloads import notes\n"
                    "while True: notes.still_waiting()\n")
# An idle worker that wakes to tick, as a Dask worker sends its heartbeats: a few hundredths of a
# CPU, more than a blocked process, far less than a loop.
TICKS = ("import time\n"
         "while True:\n"
         "    begun = time.process_time()\n"
         "    while time.process_time() - begun < 0.004: pass\n"
         "    time.sleep(0.05)\n")


@pytest.fixture(autouse=True)
def short_stalls(monkeypatch):
    monkeypatch.setattr(stall_watch, "STALL_S", 1.0)
    monkeypatch.setattr(stall_watch, "SPIN_S", 1.3)
    monkeypatch.setattr(stall_watch, "BUSY_SILENT_S", 1.6)


@pytest.fixture
def start(tmp_path):
    started = []

    def start_process(code: str, *args: str, **env) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT), **env})
        started.append(proc)
        time.sleep(0.4)  # past its start-up, which uses the CPU
        return proc

    yield start_process
    for proc in started:
        try:
            children = psutil.Process(proc.pid).children(recursive=True)
        except psutil.Error:
            children = []
        for child in children:
            child.kill()
        proc.kill()
        proc.wait()


def first_stall(watch: StallWatch, within_s: float):
    ends = time.monotonic() + within_s
    while time.monotonic() < ends:
        stall = watch.stalled()
        if stall is not None:
            return stall
        time.sleep(0.1)
    return None


def never_heard() -> float:
    return 0.0


def assert_stall(proc, call_started: float, kind: str, at_least_s: float) -> None:
    """Unheard, the process's tree is called stalled, of this kind, after at least at_least_s."""
    stall = first_stall(StallWatch(proc.pid, never_heard, call_started), 4.0)
    assert stall is not None and stall.kind == kind
    assert stall.seconds >= at_least_s


def test_a_tree_of_blocked_processes_is_a_stall(start):
    proc = start(STARTS_A_SLEEPER_THEN_SPINS.replace(SPINS, BLOCKS))
    assert_stall(proc, seconds_since_boot(), ALL_IDLE, stall_watch.STALL_S)


@pytest.mark.slow
def test_a_task_that_pauses_on_purpose_is_not_a_stall(start, tmp_path):
    desk = task_desk.TaskDesk(tmp_path)
    try:
        proc = start(PAUSES, **{notes.DESK_VARIABLE: desk.address})
        assert first_stall(StallWatch(proc.pid, desk.last_heard, seconds_since_boot()), 2.5) is None
        # The same pause, unheard, would be one.
        assert first_stall(StallWatch(proc.pid, never_heard, seconds_since_boot()), 2.5)
    finally:
        desk.close()


@pytest.mark.slow
def test_a_caller_that_spins_while_its_workers_idle_is_a_stall(start):
    call_started = seconds_since_boot()
    proc = start(STARTS_A_SLEEPER_THEN_SPINS)
    assert_stall(proc, call_started, CALLER_SPINNING, stall_watch.SPIN_S)


@pytest.mark.slow
def test_a_caller_busy_on_its_own_is_not_a_stall(start):
    # Alone, or beside a helper that was there before the call (a forkserver, a tracker).
    alone = start(SPINS)
    assert first_stall(StallWatch(alone.pid, never_heard, seconds_since_boot() - 5), 2.5) is None
    beside_helper = start(STARTS_A_SLEEPER_THEN_SPINS)
    # The helper must be there before the call: on a slow or busy machine it may start late.
    deadline = time.monotonic() + 10
    while not psutil.Process(beside_helper.pid).children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first_stall(StallWatch(beside_helper.pid, never_heard, seconds_since_boot()),
                       2.5) is None


@pytest.mark.slow
def test_workers_that_run_without_a_word_are_a_stall(start):
    call_started = seconds_since_boot()
    proc = start(STARTS_A_SPINNER_THEN_WAITS, SPINS)
    assert_stall(proc, call_started, WORKERS_SILENT, stall_watch.BUSY_SILENT_S)


@pytest.mark.slow
def test_workers_that_speak_as_they_run_are_not_a_stall(start, tmp_path):
    desk = task_desk.TaskDesk(tmp_path)
    try:
        call_started = seconds_since_boot()
        proc = start(STARTS_A_SPINNER_THEN_WAITS, SPINS_AND_SPEAKS,
                     **{notes.DESK_VARIABLE: desk.address})
        assert first_stall(StallWatch(proc.pid, desk.last_heard, call_started), 3.0) is None
    finally:
        desk.close()


@pytest.mark.slow
def test_workers_that_only_tick_are_not_said_to_loop(start):
    # A task pinned to a Dask worker that was killed waits while the cluster's workers tick:
    # that is left to the check's limit, whose message says what waits, not "a worker loops".
    call_started = seconds_since_boot()
    proc = start(STARTS_A_SPINNER_THEN_WAITS, TICKS)
    assert first_stall(StallWatch(proc.pid, never_heard, call_started), 3.0) is None
