"""The pytest plugin loaded into every topic's suite process (`-p grader.running.suite_plugin`).

It imports the student's module under a watchdog, gives suites their fixtures (`exercise`,
`check_report`, `usable_cpus`, `speedup_plan`, `task_log`), guards every check
against leftover processes and shared-memory segments, and streams one JSON line per event to
the file the runner named, so whatever happened before a crash or a kill is never lost.
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

from grader.measuring import leftovers
from grader.running import system
from grader.measuring.speedup import SpeedupPlan, plan_for
from grader.reporting.shown_output import check_output
from grader.running.suite_env import SuiteEnv
from grader.reporting.verdicts import (ANY_CALL, FUNCTION_MISSING, IMPORT_FAILED, MODULE_MISSING, ImportProblem,
                             LeftBehind, MissingFunction, check_verdict, describe, where)
from grader.measuring.workloads.tasks import TaskLog

KINDS = ("correctness", "speedup", "race", "hygiene")
# A check's time limit when its suite sets none; suites set limits a few times what the
# reference solution needs under spawn on a busy 2-core machine, so that a hang is called soon.
DEFAULT_CHECK_TIMEOUT_S = 10.0
IMPORT_TIMEOUT_S = 10.0
# After a check's own timeout, pytest-timeout gets this long to interrupt it; if the code holds
# the GIL in C and cannot be interrupted, faulthandler ends the whole process instead.
BACKSTOP_GRACE_S = 3.0
LEFTOVER_GRACE_S = 0.5

@dataclass
class CheckReport:
    """The one channel through which a check hands its figures and summary to the scorecard."""

    metrics: dict = field(default_factory=dict)
    summary: str = ""
    # What to say when the check times out while waiting in a given call ("Process.join").
    timeout_advice: dict = field(default_factory=dict)

    def record(self, metrics: dict, summary: str) -> None:
        """Add measured numbers and set the line shown for this check."""
        self.metrics.update(metrics)
        self.summary = summary


class StudentModule:
    """The student's module, with a friendly error for a function that is not there."""

    def __init__(self, module, path: Path) -> None:
        self._module, self._path = module, path

    def pools_at_module_level(self) -> list[str]:
        """The module's globals that hold a process pool (a pitfall the messages point out)."""
        return leftovers.module_level_pools(self._module)

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
    config.addinivalue_line("markers", "check(kind, points, timeout=None): a graded check of the "
                            "given kind and its time limit in seconds")
    env = SuiteEnv.from_environ()
    if env is None:
        return
    multiprocessing.set_start_method(env.start_method, force=True)
    leftovers.remember_targets()
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
    faulthandler.dump_traceback_later(env.check_timeout_override_s or IMPORT_TIMEOUT_S, exit=True,
                                      file=run.watchdog)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name in (name, env.package):
            run.import_error = MODULE_MISSING.format(path=path)
        else:
            run.import_error = IMPORT_FAILED.format(module=name, error=describe(error),
                                                    where=where(error.__traceback__, path))
    except SyntaxError as error:
        run.import_error = (f"{path}:{error.lineno}: SyntaxError: {error.msg}. Fix it so that "
                            "the module can be imported; `python -m py_compile` shows the spot.")
    except BaseException as error:  # noqa: BLE001 - student code may raise anything, even SystemExit
        run.import_error = IMPORT_FAILED.format(module=name, error=describe(error),
                                                where=where(error.__traceback__, path))
    else:
        run.module = StudentModule(module, path)
    finally:
        faulthandler.cancel_dump_traceback_later()
    run.emit("imported", ok=run.import_error is None, message=run.import_error or "")


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
def speedup_plan(usable_cpus: system.CpuCount) -> SpeedupPlan:
    """How many workers and tasks a speedup check uses here (on one CPU, only structure counts)."""
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
    # Only this process's own forkserver and resource tracker are meant to outlive a check; what
    # the forkserver forked for the student's code is the student's.
    started = leftovers.started_processes()
    running = system.live_descendants(exclude=system.multiprocessing_helpers())
    killed = system.kill_processes(running, grace_s=LEFTOVER_GRACE_S)
    removed = []
    if segments_before is not None:
        new = system.shared_memory_segments() - segments_before
        # Only this process's own: another grading run on this machine may have segments in use.
        removed = system.remove_segments(new - system.mapped_elsewhere(new, ours={os.getpid()}))
    problems = []
    if killed:
        module_pools = _run.module.pools_at_module_level() if _run and _run.module else []
        problems.append(leftovers.describe_leftovers(killed, started, module_pools))
    if removed:
        problems.append(f"left shared-memory segment(s) {', '.join(removed)} behind; call "
                        "close() in every process and unlink() once, in the one that created it")
    if problems:
        stopped = [f"{len(killed)} process(es)"] if killed else []
        stopped += [f"{len(removed)} shared-memory segment(s)"] if removed else []
        raise LeftBehind("Your code " + " and ".join(problems) + ". The grader cleaned up.",
                         brief=f"The grader then stopped and removed the {' and '.join(stopped)} "
                               "it left behind.")


def check_timeout(item: pytest.Item) -> float:
    """The check's time limit: --check-timeout when given, else the one its suite set."""
    if _run.env.check_timeout_override_s:
        return _run.env.check_timeout_override_s
    marker = item.get_closest_marker("check")
    return float(marker.kwargs.get("timeout", DEFAULT_CHECK_TIMEOUT_S) if marker else DEFAULT_CHECK_TIMEOUT_S)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if _run is None:
        return
    for item in items:
        # pytest-timeout reads the closest timeout marker: put ours first.
        item.add_marker(pytest.mark.timeout(check_timeout(item)), append=False)


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
    outcome = yield
    if _run is None:
        return
    phases = _run.phases.setdefault(item.nodeid, {"duration": 0.0})
    phases["duration"] += call.duration
    if call.excinfo is not None:
        phases[call.when] = call.excinfo
    if call.when == "teardown":
        del _run.phases[item.nodeid]
        report: CheckReport = getattr(item, "grader_report", None) or CheckReport()
        student_file = Path(_run.env.package_dir) / f"{_run.env.topic}.py"
        # The teardown report holds what was captured in all three phases of the check.
        captured, suite_source = outcome.get_result(), item.path.read_text(encoding="utf-8")
        advice = dict(report.timeout_advice)
        module_pools = _run.module.pools_at_module_level() if _run.module else []
        if module_pools:
            # Whatever call it hangs in, a pool kept at module level is the likely cause.
            advice.setdefault(ANY_CALL, leftovers.MODULE_POOL_HANG.format(
                names="`, `".join(module_pools)))
        verdict = check_verdict(phases, report.summary, report.metrics, student_file,
                                check_timeout(item), advice)
        _run.emit("check", name=check_name(item), duration_s=round(phases.pop("duration"), 3),
                  stdout=check_output(captured.capstdout, suite_source),
                  stderr=check_output(captured.capstderr, suite_source), **verdict)


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
