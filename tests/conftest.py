"""Shared helpers for the kit's own tests: grading a target through the CLI and checking the
scorecard against its schema, and noticing anything a grading run left behind."""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import psutil
import pytest
from click.testing import CliRunner

from grader import system
from grader.running.student_process import STUDENT_PATH
from grader.cli import main
from grader.reporting.scorecard import load_schema

KIT_ROOT = Path(__file__).resolve().parent.parent
MUTANTS = Path(__file__).with_name("mutants")
HOSTILE = Path(__file__).with_name("hostile")
ALTERNATIVES = Path(__file__).with_name("alternatives")


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


# Every process a grading run starts inherits this variable, so that what one run left behind
# can be told apart from another run's processes on the same machine.
RUN_MARKER = "GRADER_KIT_TEST_RUN"


def stray_processes(run_id: str) -> list[str]:
    """Processes started by the grading run `run_id` that are still alive (but this process's
    suite forkserver, which serves its next runs)."""
    from grader.running import suite_forkserver

    found = []
    server = suite_forkserver.server_pid()
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            if proc.pid != server and proc.environ().get(RUN_MARKER) == run_id:
                found.append(f"{proc.pid}: {' '.join(proc.info['cmdline'] or [])[:100]}")
        except psutil.Error:
            pass
    return found


def forked_suites_running() -> list[int]:
    """The processes that this process's suite forkserver forked and that still run."""
    from grader.running import suite_forkserver

    server = suite_forkserver.server_pid()
    try:
        return [p.pid for p in psutil.Process(server).children(recursive=True)] if server else []
    except psutil.NoSuchProcess:
        return []


def skip_where_not_available(topic_id: str) -> None:
    """Skip the test, saying why, where this Python cannot run the topic (its needs are unmet)."""
    from grader.needs import unmet
    from grader.topics import get_topic

    lacking = unmet(get_topic(topic_id).needs)
    if lacking:
        pytest.skip(f"{topic_id} is not available on this Python: it needs {'; '.join(lacking)}")


def words_of(template: str) -> str:
    """The longest stretch of a message template with no field in it: words that every message
    made from it holds, so that a test follows the message's wording wherever it changes."""
    return max(re.split(r"\{[^}]*\}", template), key=len).strip()


def validate(scorecard: dict) -> None:
    jsonschema.validate(scorecard, load_schema(), format_checker=jsonschema.FormatChecker())


# Tests may run in several processes at once (pytest -n). A test marked `alone` changes what every
# grading run on the machine sees (folders opened to a student user), or leaves a segment for its
# grader to find, which another run would find too: it holds this lock alone, the others share it.
MACHINE_LOCK = Path(tempfile.gettempdir()) / "grading-kit-tests.lock"
MACHINE_GATE = MACHINE_LOCK.with_suffix(".gate")


# Each grading run then shares the machine with two others at most: the benchmark's load "all
# cores busy" (two programs that keep two cores busy beside the grading run) is where the
# verdicts are shown to hold, not 16 runs at once on a 16-core machine.
MAX_TEST_PROCESSES = 3


def pytest_xdist_auto_num_workers(config):
    """How many test processes `-n auto` starts: one more than the usable CPUs, three at most."""
    return min(MAX_TEST_PROCESSES, system.usable_cpus().count + 1)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """One test process on a free-threaded build: there, two grading runs at once on 2 CPUs
    turned 7 speedup verdicts of the lesson's (slow worker start-up read as "never two at
    once"), where the standard builds held every one."""
    if not getattr(sys, "_is_gil_enabled", lambda: True)() and hasattr(config.option,
                                                                        "maxprocesses"):
        config.option.maxprocesses = 1


def is_alone(item) -> bool:
    return item.get_closest_marker("alone") is not None


def grades_at_once(item) -> bool:
    """Whether the test grades from its start: slow tests (whole suites, in this process or in
    subprocesses) and those given the grade fixture. Others take the lock if they grade."""
    return item.get_closest_marker("slow") is not None or "grade" in item.fixturenames


def pytest_collection_modifyitems(items):
    """The tests marked alone first: one test process gets them all at the head of its share
    (pytest-xdist hands out shares from the front and takes work back from the end), and runs
    them one after another, once. Then the quick tests that grade nothing, which the next
    process runs meanwhile; then the rest."""
    items.sort(key=lambda item: (not is_alone(item), grades_at_once(item)))


NEXT_ITEM = pytest.StashKey()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    item.stash[NEXT_ITEM] = nextitem


def _take_machine_lock(alone: bool):
    import fcntl

    lock = open(MACHINE_LOCK, "a")
    # Tests pass a gate one at a time to take the lock. A test that must run alone waits at the
    # lock with the gate held, so that no test starts after it asked and it waits only for
    # those already running (the lock alone would let shared holders overtake it again and
    # again).
    with open(MACHINE_GATE, "a") as gate:
        fcntl.flock(gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        finally:
            fcntl.flock(gate, fcntl.LOCK_UN)
    return lock


# The machine lock, while this process holds it alone from one alone test to the next.
_held_alone = None


@pytest.fixture(autouse=True)
def _machine_lock(request, monkeypatch):
    global _held_alone
    if os.name == "nt":  # no flock; the tests run in one process there
        yield
        return
    alone = is_alone(request.node)
    kept, _held_alone = _held_alone, None
    if kept is not None and not alone:
        kept.close()
    held = [kept if alone else None]
    if held[0] is None and (alone or grades_at_once(request.node)):
        held[0] = _take_machine_lock(alone)
    elif held[0] is None:
        # A quick test takes the lock at its first grading run in this process, if it has one.
        from grader import grading
        run_topic = grading.run_topic

        def run_topic_under_the_lock(*args, **kwargs):
            if held[0] is None:
                held[0] = _take_machine_lock(alone=False)
            return run_topic(*args, **kwargs)

        monkeypatch.setattr(grading, "run_topic", run_topic_under_the_lock)
    try:
        yield
    finally:
        following = request.node.stash.get(NEXT_ITEM, None)
        if alone and following is not None and is_alone(following):
            _held_alone = held[0]
        elif held[0] is not None:
            held[0].close()


@pytest.fixture(autouse=True)
def _results_history_in_a_scratch_folder(tmp_path_factory, monkeypatch):
    """Grading runs record each topic's result in the current folder; not in the kit's own."""
    from grader.reporting import history
    monkeypatch.setattr(history, "HISTORY_PATH",
                        tmp_path_factory.mktemp("state") / ".grade" / "last-results.json")


@pytest.fixture(scope="session")
def reference_solutions_path(tmp_path_factory) -> str:
    """A folder holding only the reference solutions, for the student's process of a grading run:
    many known-wrong versions reuse the reference for the functions they do not break."""
    folder = tmp_path_factory.mktemp("student-path")
    system.link_directory(KIT_ROOT / "solutions", folder / "solutions")
    folder.chmod(0o755)
    return str(folder)


def write_pristine_exercises(folder: Path) -> Path:
    """The stubs as the kit ships them (not exercises/ as someone may have solved it), written
    into folder as a package; returns folder."""
    from grader.originals import original_stub
    from grader.topics import all_topics

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "__init__.py").write_bytes((KIT_ROOT / "exercises" / "__init__.py").read_bytes())
    for topic in all_topics():
        stub = original_stub(topic)
        assert stub is not None, f"no original stub of {topic.id}: the kit's tests need git"
        topic.module_file(folder).write_bytes(stub)
    return folder


@pytest.fixture
def pristine_exercises(tmp_path) -> Path:
    """A folder named exercises holding the kit's stubs as shipped, whatever exercises/ holds."""
    return write_pristine_exercises(tmp_path / "exercises")


@pytest.fixture
def grade(tmp_path, reference_solutions_path):
    """Run `grade ARGS...` in-process and return a Graded; asserts the run left nothing behind."""

    def run(*args: str) -> Graded:
        json_path = tmp_path / "scorecard.json"
        segments_before = system.shared_memory_segments()
        run_id = uuid.uuid4().hex
        result = CliRunner().invoke(main, [*args, "--json", str(json_path)],
                                    env={"PYTHONPATH": str(KIT_ROOT), RUN_MARKER: run_id,
                                         STUDENT_PATH: reference_solutions_path},
                                    catch_exceptions=False)
        assert result.exit_code in (0, 1), result.output
        scorecard = json.loads(json_path.read_text())
        validate(scorecard)
        assert stray_processes(run_id) == [], "a grading run left processes behind"
        assert forked_suites_running() == [], "a suite process outlived its run"
        if segments_before is not None:
            new = system.shared_memory_segments() - segments_before
            assert system.unclaimed_segments(new) == set(), "a grading run left segments behind"
        return Graded(result.exit_code, result.output, scorecard)

    return run
