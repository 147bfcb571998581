"""The pytest plugin loaded into every topic's suite process (`-p grader.suite_plugin`).

It imports the student's module under a watchdog, gives suites their fixtures (`exercise`,
`check_report`, `usable_cpus`, `start_method`), guards every check against leftover processes
and shared-memory segments, and streams one JSON line per event to the file the runner named,
so whatever happened before a crash or a kill is never lost.
"""

from __future__ import annotations

import faulthandler
import importlib
import json
import multiprocessing
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader import system
from grader.speedup import SpeedupPlan, plan_for
from grader.suite_env import SuiteEnv
from grader.workloads import TaskLog

KINDS = ("correctness", "speedup", "race", "hygiene")
# After a check's own timeout, pytest-timeout gets this long to interrupt it; if the code holds
# the GIL in C and cannot be interrupted, faulthandler ends the whole process instead.
BACKSTOP_GRACE_S = 10.0
LEFTOVER_GRACE_S = 0.5

STUCK_MESSAGE = (
    "Did not finish within {timeout:g} s and was stopped{where}. Look for a join() or get() "
    "waiting on something that never comes: a worker that died, a queue nobody fills, a lock "
    "nobody releases, a loop with no end."
)
NOT_STARTED_PREFIX = "Not started yet: "
ONE_CPU = (
    "Skipped: only 1 CPU is usable here ({source}), so no code can run faster in parallel. "
    "This check does not count toward the score; run `grade` on a machine with 2 or more CPUs."
)
IMPORT_FAILED = (
    "Importing {module} raised {error}{where}. Code at module level runs on import, in the "
    "grader and again in every spawned worker: fix the error, or move that code into a function."
)
MODULE_MISSING = (
    "{path} was not found, so nothing could be graded. Restore it from the kit "
    "(git checkout -- {path}) or point --target at the folder that holds it."
)
FUNCTION_MISSING = (
    "{path} has no `{name}`. The stub defines it under that name; restore the definition "
    "(git diff shows what changed) and fill in its body."
)


class ImportProblem(Exception):
    """The student's module could not be imported; every check reports this message."""


class MissingFunction(Exception):
    """The student's module lacks a name the suite calls."""


class LeftBehind(Exception):
    """A check finished but left processes or shared-memory segments behind."""


@dataclass
class CheckReport:
    """The one channel through which a check hands its figures and summary to the scorecard."""

    metrics: dict = field(default_factory=dict)
    summary: str = ""

    def record(self, metrics: dict, summary: str) -> None:
        """Add measured numbers and set the line shown for this check."""
        self.metrics.update(metrics)
        self.summary = summary


class StudentModule:
    """The student's module, with a friendly error for a function that is not there."""

    def __init__(self, module, path: Path) -> None:
        self._module, self._path = module, path

    def __getattr__(self, name: str):
        try:
            return getattr(self._module, name)
        except AttributeError:
            raise MissingFunction(FUNCTION_MISSING.format(path=self._path, name=name)) from None


class _Run:
    """This suite process's state: where events go and how the import went."""

    def __init__(self, env: SuiteEnv) -> None:
        self.env = env
        self.events = open(env.events_path, "a", encoding="utf-8", buffering=1)
        # faulthandler writes here, not to stderr, which pytest captures and would lose on exit.
        self.watchdog = open(env.watchdog_path, "w", encoding="utf-8")
        self.module: StudentModule | None = None
        self.import_error: str | None = None
        self.phases: dict[str, dict] = {}
        self.exitstatus = 0

    def emit(self, event: str, **fields) -> None:
        self.events.write(json.dumps({"event": event, **fields}) + "\n")
        self.events.flush()


_run: _Run | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _run
    config.addinivalue_line("markers", "check(kind, points): a graded check of the given kind")
    env = SuiteEnv.from_environ()
    if env is None:
        return
    multiprocessing.set_start_method(env.start_method, force=True)
    _run = _Run(env)


def _check_marker(item: pytest.Item) -> tuple[str, int]:
    marker = item.get_closest_marker("check")
    if marker is None or marker.args[0] not in KINDS:
        raise pytest.UsageError(f"{item.nodeid}: every test needs @pytest.mark.check(kind, points)")
    return marker.args[0], int(marker.kwargs["points"])


def check_name(item: pytest.Item) -> str:
    return item.name.removeprefix("test_")


def pytest_collection_finish(session: pytest.Session) -> None:
    if _run is None:
        return
    checks = []
    for item in session.items:
        kind, points = _check_marker(item)
        checks.append({"name": check_name(item), "kind": kind, "points": points})
    _run.emit("collected", checks=checks)
    _import_student_module(_run)


def _import_student_module(run: _Run) -> None:
    env = run.env
    name = f"{env.package}.{env.topic}"
    path = Path(env.package_dir) / f"{env.topic}.py"
    run.emit("importing", module=name)
    faulthandler.dump_traceback_later(env.import_timeout_s, exit=True, file=run.watchdog)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name in (name, env.package):
            run.import_error = MODULE_MISSING.format(path=path)
        else:
            run.import_error = IMPORT_FAILED.format(module=name, error=_describe(error),
                                                    where=_where(error.__traceback__, path))
    except SyntaxError as error:
        run.import_error = (f"{path}:{error.lineno}: SyntaxError: {error.msg}. Fix it so that "
                            "the module can be imported; `python -m py_compile` shows the spot.")
    except BaseException as error:  # noqa: BLE001 - student code may raise anything, even SystemExit
        run.import_error = IMPORT_FAILED.format(module=name, error=_describe(error),
                                                where=_where(error.__traceback__, path))
    else:
        run.module = StudentModule(module, path)
    finally:
        faulthandler.cancel_dump_traceback_later()
    run.emit("imported", ok=run.import_error is None, message=run.import_error or "")


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _where(tb, student_file: Path) -> str:
    """' at exercises/topic.py:LINE' for the deepest frame of the traceback in the student's file."""
    where = ""
    target = str(student_file.resolve())
    shown = f"{student_file.parent.name}/{student_file.name}"
    while tb is not None:
        if str(Path(tb.tb_frame.f_code.co_filename).resolve()) == target:
            where = f" at {shown}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


@pytest.fixture
def exercise() -> StudentModule:
    """The student's module for this topic (exercises.<topic>, or the target's own package)."""
    if _run is None:
        pytest.skip("not running under the grader")
    if _run.module is None:
        raise ImportProblem(_run.import_error)
    return _run.module


@pytest.fixture
def check_report(request: pytest.FixtureRequest) -> CheckReport:
    """Where a check puts its measured numbers and its summary line."""
    report = CheckReport()
    request.node.grader_report = report
    return report


@pytest.fixture
def usable_cpus() -> system.CpuCount:
    """The CPUs the grader may use, as counted (or overridden) by the runner."""
    return system.CpuCount(_run.env.usable_cpus, _run.env.cpus_source)


@pytest.fixture
def start_method() -> str:
    return _run.env.start_method


@pytest.fixture
def speedup_plan(usable_cpus: system.CpuCount) -> SpeedupPlan:
    """How many workers and tasks a speedup check uses here; skips the check on one CPU."""
    if usable_cpus.count < 2:
        pytest.skip(ONE_CPU.format(source=usable_cpus.source))
    return plan_for(usable_cpus.count)


@pytest.fixture
def task_log(tmp_path: Path) -> TaskLog:
    """A fresh log where instrumented tasks record which process ran them, and when."""
    return TaskLog(tmp_path / "tasks")


@pytest.fixture(autouse=True)
def _leftover_guard():
    """Kill processes and remove segments a check leaves behind, and fail the check for it."""
    segments_before = system.shared_memory_segments()
    yield
    helpers = system.multiprocessing_helpers()
    running = [p for p in system.live_descendants(exclude=helpers)
               if not system.is_multiprocessing_helper(p)]
    killed = system.kill_processes(running, grace_s=LEFTOVER_GRACE_S)
    removed = []
    if segments_before is not None:
        removed = system.remove_segments(system.shared_memory_segments() - segments_before)
    problems = []
    if killed:
        problems.append(f"left {len(killed)} process(es) running after it returned "
                        f"({'; '.join(killed[:3])}); join every process you start, or use "
                        "`with Pool(...)` so the pool is shut down")
    if removed:
        problems.append(f"left shared-memory segment(s) {', '.join(removed)} behind; call "
                        "close() in every process and unlink() once, in the one that created it")
    if problems:
        raise LeftBehind("Your code " + " and ".join(problems) + ". The grader cleaned up.")


def check_timeout(item: pytest.Item) -> float:
    marker = item.get_closest_marker("timeout")
    return float(marker.args[0]) if marker and marker.args else _run.env.check_timeout_s


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem):
    if _run is None:
        yield
        return
    _run.emit("started", name=check_name(item))
    faulthandler.dump_traceback_later(check_timeout(item) + BACKSTOP_GRACE_S, exit=True,
                                      file=_run.watchdog)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    yield
    if _run is None:
        return
    phases = _run.phases.setdefault(item.nodeid, {"duration": 0.0})
    phases["duration"] += call.duration
    if call.excinfo is not None:
        phases[call.when] = call.excinfo
    if call.when == "teardown":
        del _run.phases[item.nodeid]
        _run.emit("check", name=check_name(item), duration_s=round(phases["duration"], 3),
                  **verdict(item, phases))


def verdict(item: pytest.Item, phases: dict) -> dict:
    """The outcome, message and metrics of one check from the exceptions of its phases."""
    report: CheckReport = getattr(item, "grader_report", None) or CheckReport()
    result = {"outcome": "passed", "message": report.summary, "metrics": report.metrics,
              "not_started": False}
    if "setup" in phases:
        error = phases["setup"].value
        if isinstance(error, pytest.skip.Exception):
            return {**result, "outcome": "skipped", "message": str(error.msg)}
        message = str(error) if isinstance(error, ImportProblem) else f"Grader error: {_describe(error)}"
        return {**result, "outcome": "error", "message": message}
    if "call" in phases:
        result.update(_call_failure(item, phases["call"]))
    if "teardown" in phases:
        error = phases["teardown"].value
        left = str(error) if isinstance(error, LeftBehind) else f"Grader error: {_describe(error)}"
        if result["outcome"] == "passed":
            result.update(outcome="failed", message=left)
        else:
            result["message"] += " " + left
    return result


def _call_failure(item: pytest.Item, excinfo) -> dict:
    error = excinfo.value
    student_file = Path(_run.env.package_dir) / f"{_run.env.topic}.py"
    if isinstance(error, pytest.skip.Exception):
        return {"outcome": "skipped", "message": str(error.msg)}
    if "pytest-timeout" in str(error):
        return {"outcome": "timeout", "message": STUCK_MESSAGE.format(
            timeout=check_timeout(item), where=_where(excinfo.tb, student_file))}
    if isinstance(error, NotImplementedError):
        return {"outcome": "failed", "not_started": True,
                "message": f"{NOT_STARTED_PREFIX}{error}" if str(error) else NOT_STARTED_PREFIX}
    if isinstance(error, (AssertionError, MissingFunction)):
        return {"outcome": "failed", "message": str(error)}
    return {"outcome": "failed", "message": (
        f"Your code raised {_describe(error)}{_where(excinfo.tb, student_file)}. "
        "Run the function by hand on a small input to see it happen.")}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _run is not None:
        _run.exitstatus = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if _run is None:
        return
    _run.emit("finished", exitstatus=_run.exitstatus)
    _run.events.close()
    sys.stdout.flush()
    sys.stderr.flush()
    # Every check has reported and been cleaned up after. Leaving now skips interpreter exit,
    # where a student's unjoined non-daemon process or stuck pool thread would hang us.
    os._exit(0)
