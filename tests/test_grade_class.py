"""`grade class`: every student's checkout graded in turn, one at a time, resumable, and then
the gradebook."""

from __future__ import annotations

import csv
import shutil
import subprocess
import uuid

import pytest
from click.testing import CliRunner

from grader.cli import main
from tests.conftest import ALTERNATIVES, RUN_MARKER, stray_processes, write_pristine_exercises


def checkout(folder, solved: bool):
    """A student's repository with one commit: the stubs, and shared_values solved or not (by a
    design of the student's own: a copy of the reference would not be counted)."""
    exercises = write_pristine_exercises(folder / "exercises")
    if solved:
        shutil.copy(ALTERNATIVES / "shared_values_local_merge" / "shared_values.py",
                    exercises / "shared_values.py")
    for args in (["init", "-q"], ["add", "."],
                 ["-c", "user.name=s", "-c", "user.email=s@example.org", "commit", "-qm", "work"]):
        subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


@pytest.mark.slow
def test_a_class_is_graded_in_turn_then_collected_and_a_second_run_keeps_what_is_done(tmp_path):
    checkout(tmp_path / "checkouts" / "ada", solved=True)
    checkout(tmp_path / "checkouts" / "alan", solved=False)
    out = tmp_path / "out"
    run_id = uuid.uuid4().hex

    def run_class(*extra):
        return CliRunner().invoke(main, ["class", str(tmp_path / "checkouts"), "--out", str(out),
                                         "--topics", "shared_values", *extra],
                                  env={RUN_MARKER: run_id}, catch_exceptions=False)

    first = run_class()
    assert first.exit_code == 0, first.output
    assert "[1/2] ada at " in first.output and "about" in first.output
    assert "Graded 2, kept 0, without a scorecard 0" in first.output
    assert "s per student (median of 2)" in first.output
    rows = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open())}
    assert (rows["ada"]["shared_values"], rows["alan"]["shared_values"]) == ("10", "0")
    assert rows["ada"]["max_score"] == "10"
    assert (out / "class-report.html").is_file()
    assert stray_processes(run_id) == []

    again = run_class()
    assert "already graded at this commit, kept" in again.output
    assert "Graded 0, kept 2" in again.output


@pytest.mark.slow
def test_a_checkout_that_cannot_be_graded_is_named_and_the_others_still_are(tmp_path):
    (tmp_path / "checkouts" / "empty").mkdir(parents=True)
    checkout(tmp_path / "checkouts" / "grace", solved=True)
    result = CliRunner().invoke(main, ["class", str(tmp_path / "checkouts"), "--out",
                                       str(tmp_path / "out"), "--topics", "shared_values"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("[1/2] empty"))
    assert "no scorecard (exit 2:" in line and "holds none of the topic modules" in line
    assert "Graded 1, kept 0, without a scorecard 1" in result.output
    rows = list(csv.DictReader((tmp_path / "out" / "gradebook.csv").open()))
    assert [row["student"] for row in rows] == ["grace"]


def test_the_time_left_is_said_in_words():
    from grader.instructors.class_command import remaining
    assert remaining([30.0, 40.0], 1) == "35 s"
    assert remaining([40.0], 200) == "2 h 13 min"
    assert remaining([40.0], 3) == "2 min"
    assert remaining([], 3) == remaining([40.0], 0) == "no time"
