"""Shared helpers for the kit's own tests: grading a target through the CLI and checking the
scorecard against its schema, and noticing anything a grading run left behind."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import psutil
import pytest
from click.testing import CliRunner

from grader import system
from grader.cli import main
from grader.scorecard import load_schema

KIT_ROOT = Path(__file__).resolve().parent.parent
MUTANTS = Path(__file__).with_name("mutants")
HOSTILE = Path(__file__).with_name("hostile")


@dataclass
class Graded:
    """One `grade` run: its exit code, what it printed, and the scorecard it wrote."""

    exit_code: int
    output: str
    scorecard: dict

    def topic(self, topic_id: str) -> dict:
        return next(t for t in self.scorecard["topics"] if t["id"] == topic_id)

    def check(self, topic_id: str, name: str) -> dict:
        return next(c for c in self.topic(topic_id)["checks"] if c["name"] == name)


def stray_processes() -> list[str]:
    """Processes from a suite run that are still alive anywhere on the machine."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if "grader.suite_plugin" in cmdline or "spawn_main" in cmdline:
            found.append(f"{proc.pid}: {cmdline[:100]}")
    return found


def validate(scorecard: dict) -> None:
    jsonschema.validate(scorecard, load_schema(), format_checker=jsonschema.FormatChecker())


@pytest.fixture
def grade(tmp_path):
    """Run `grade ARGS...` in-process and return a Graded; asserts the run left nothing behind."""

    def run(*args: str) -> Graded:
        json_path = tmp_path / "scorecard.json"
        segments_before = system.shared_memory_segments()
        result = CliRunner().invoke(main, [*args, "--json", str(json_path)],
                                    env={"PYTHONPATH": str(KIT_ROOT)}, catch_exceptions=False)
        assert result.exit_code in (0, 1), result.output
        scorecard = json.loads(json_path.read_text())
        validate(scorecard)
        assert stray_processes() == [], "a grading run left processes behind"
        if segments_before is not None:
            assert system.shared_memory_segments() - segments_before == set()
        return Graded(result.exit_code, result.output, scorecard)

    return run
