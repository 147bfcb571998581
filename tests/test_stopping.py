"""Closing the terminal or cancelling a CI job stops `grade` as Ctrl-C does: the suite's
processes are killed, and the scorecard is written and marked interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import psutil
import pytest

from grader.grading import EXIT_INTERRUPTED
from grader.running.student_process import STUDENT_PATH
from tests.conftest import HOSTILE, KIT_ROOT, RUN_MARKER, stray_processes, validate

# How long the student's process of the first topic may take to appear.
START_LIMIT_S = 20


def wait_for_the_students_process(grader: subprocess.Popen) -> None:
    ends = time.monotonic() + START_LIMIT_S
    while time.monotonic() < ends:
        for child in psutil.Process(grader.pid).children(recursive=True):
            try:
                if "student_runtime" in " ".join(child.cmdline()):
                    return
            except psutil.Error:
                continue
        time.sleep(0.1)
    raise AssertionError("the student's process never started")


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="SIGTERM and SIGHUP are POSIX signals")
@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_a_term_or_hangup_stops_grading_as_ctrl_c_does(tmp_path, reference_solutions_path,
                                                       signal_name):
    card = tmp_path / "scorecard.json"
    run_id = uuid.uuid4().hex
    grader = subprocess.Popen(
        [sys.executable, "-m", "grader", "pool_map", "--target",
         str(HOSTILE / "worker_loops"), "--json", str(card)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(KIT_ROOT), RUN_MARKER: run_id,
             STUDENT_PATH: reference_solutions_path})
    try:
        wait_for_the_students_process(grader)
        grader.send_signal(getattr(signal, signal_name))
        grader.communicate(timeout=30)
    finally:
        if grader.poll() is None:
            os.killpg(grader.pid, signal.SIGKILL)
            grader.wait()
    assert grader.returncode == EXIT_INTERRUPTED
    scorecard = json.loads(card.read_text())
    validate(scorecard)
    assert scorecard["interrupted"] is True
    assert [t["status"] for t in scorecard["topics"]] == ["not_graded"]
    assert stray_processes(run_id) == [], "the suite's processes outlived grade"
