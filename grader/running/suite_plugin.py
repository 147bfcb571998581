"""The pytest plugin loaded into every topic's suite process (`-p grader.running.suite_plugin`).

The suite process judges; the student's code runs in a process of its own (`student_process`),
started here and imported there, and started again after a check that hung or crashed it. The
plugin gives suites their fixtures (`exercise`, `student`, `scratch`, `check_report`,
`usable_cpus`, `speedup_plan`, `task_log`), sets each check's deadline on the student's calls,
guards every check against leftover processes and shared-memory segments, and streams one JSON
line per event to the file the runner named, so whatever happened before a crash is never lost.
"""

from __future__ import annotations

import faulthandler
import json
import multiprocessing
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader.measuring import leftovers, task_desk
from grader.measuring.task_desk import TaskDesk
from grader import system, waits
from grader.measuring.speedup import SpeedupPlan, plan_for
from grader.reporting.shown_output import check_output
from grader.running.student_process import (STUDENT_PATH, CallTimedOut, StudentProcess,
                                            StudentProcessConfig, StudentRaised)
from grader.running.suite_env import SuiteEnv
from grader.reporting.verdicts import (ANY_CALL, IMPORT_FAILED, MODULE_MISSING, ImportProblem,
                                       LeftBehind, check_verdict, describe_error, in_student_file)
from grader.reporting.outcomes import IMPORT_HUNG
from student_runtime import agent
from student_runtime.instruments import kept_workers, started
from student_runtime.workloads import notes
from student_runtime.workloads.tasks import TaskLog

KINDS = ("correctness", "speedup", "race", "hygiene")
# A check's time limit when its suite sets none; suites set limits a few times what the
# reference solution needs under spawn on a busy 2-core machine, so that a hang is called soon.
DEFAULT_CHECK_TIMEOUT_S = 10.0
IMPORT_TIMEOUT_S = 10.0
# The student's calls end at the check's limit; pytest-timeout, and after it faulthandler, are
# there only for a fault of the grader's own.
BACKSTOP_GRACE_S = 5.0
# What the command line of a worker that loky keeps for reuse runs.
KEPT_WORKER_CODE = "loky.backend.popen_loky"


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


class _Run:
    """This suite process's state: where events go, the student's process and its module."""

    def __init__(self, env: SuiteEnv, desk: TaskDesk | None) -> None:
        self.env = env
        self.events = open(env.events_path, "a", encoding="utf-8", buffering=1)
        # faulthandler writes here, not to stderr, which pytest captures and would lose on exit.
        self.watchdog = open(env.watchdog_path, "w", encoding="utf-8")
        self.student = StudentProcess(StudentProcessConfig(
            package=env.package, package_dir=Path(env.package_dir),
            module=f"{env.package}.{env.topic}", start_method=env.start_method,
            scratch=Path(env.scratch_dir), python_cpu_count=env.python_cpu_count or None,
            run_as=system.student_user_named(env.student_user),
            task_desk=desk.address if desk else None,
            last_heard=desk.last_heard if desk else None,
            extra_paths=tuple(p for p in os.environ.get(STUDENT_PATH, "").split(os.pathsep) if p)))
        self.student_file = Path(env.package_dir) / f"{env.topic}.py"
        self.module = None
        self.module_generation = 0
        # Named by the student's process right after each import, while it still answers.
        self.module_pools: list[str] = []
        self.import_error: str | None = None
        self.phases: dict[str, dict] = {}
        self.exitstatus = 0
        # Processes a suite keeps for its next checks (a cluster), in which student process.
        self.kept_between_checks: set[int] = set()
        self.kept_generation = 0

    def emit(self, event: str, **fields) -> None:
        self.events.write(json.dumps({"event": event, **fields}) + "\n")
        self.events.flush()

    def student_module(self):
        """The student's module in a running student process, imported again after a restart."""
        if self.import_error is None and (self.module is None or not self.student.alive()
                                          or self.module_generation != self.student.generation):
            self.import_error, self.module = _import_student_module(self)
            self.module_generation = self.student.generation
            self.module_pools = _pools_of(self.module)
        return self.module

    def pools_at_module_level(self) -> list[str]:
        """The module's globals that hold a pool: a pitfall that messages point out."""
        return self.module_pools


_run: _Run | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _run
    config.addinivalue_line("markers", "check(kind, points, timeout=None): a graded check of the "
                            "given kind and its time limit in seconds")
    env = SuiteEnv.from_environ()
    if env is None:
        return
    # The kit's own runs beside the student's (baselines) use the same start method.
    multiprocessing.set_start_method(env.start_method, force=True)
    desk = _open_task_desk(env)
    if env.start_method == "forkserver":
        # Warm now, so that the kit's first run beside the student's is not charged its start.
        from multiprocessing import forkserver

        forkserver.ensure_running()
    # A student's process that forks twice is adopted here, not by init, and is found and killed.
    system.become_subreaper()
    _run = _Run(env, desk)
    # Its interpreter starts while pytest collects the suite, rather than after.
    _run.student.start()


def _open_task_desk(env: SuiteEnv) -> TaskDesk | None:
    """The desk where tasks' notes arrive with their sender named by the system, if it can.

    The kit's own tasks, run beside the student's, note there too: this process and its
    workers (the forkserver included, started after this) have its address.
    """
    if not task_desk.desk_possible():
        return None
    try:
        desk = task_desk.TaskDesk(Path(env.scratch_dir), system.student_user_named(env.student_user))
    except OSError:
        return None
    os.environ[notes.DESK_VARIABLE] = desk.address
    notes.read_from(desk)
    return desk


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
    _run.emit("importing", module=_run.student.config.module)
    _run.student_module()
    _run.emit("imported", ok=_run.import_error is None, message=_run.import_error or "",
              hung=_run.import_error == IMPORT_HUNG.format(module=_run.student.config.module))


def _pools_of(module) -> list[str]:
    if module is None:
        return []
    try:
        pools = _run.student.call(started.module_level_pools, module, timeout_s=waits.ANSWERING_S)
    except Exception:  # noqa: BLE001 - naming is a courtesy
        return []
    return [name for name in pools if isinstance(name, str)] if isinstance(pools, list) else []


def _import_student_module(run: _Run):
    """(error message, None) or (None, a handle to the module), from the student's process."""
    name, path = run.student.config.module, run.student_file
    # The import has a limit of its own; the check's deadline comes back for its calls.
    check_deadline, run.student.deadline = run.student.deadline, None
    try:
        module = run.student.call(agent.import_module, name, want="handle",
                                  timeout_s=run.env.check_timeout_override_s or IMPORT_TIMEOUT_S)
    except CallTimedOut:
        return IMPORT_HUNG.format(module=name), None
    except StudentRaised as error:
        if error.is_a(ModuleNotFoundError) and error.fields.get("name") in (name, run.env.package):
            return MODULE_MISSING.format(path=path), None
        if error.is_a(SyntaxError):
            return (f"{path}:{error.fields.get('lineno')}: SyntaxError: {error.fields.get('msg')}. "
                    "Fix it so that the module can be imported; `python -m py_compile` shows the "
                    "spot."), None
        return IMPORT_FAILED.format(module=name, error=describe_error(error),
                                    where=in_student_file(error, path)), None
    except Exception as error:  # noqa: BLE001 - the process died while importing
        return IMPORT_FAILED.format(module=name, error=describe_error(error), where=""), None
    finally:
        run.student.deadline = check_deadline
    return None, module


@pytest.fixture
def exercise():
    """The student's module (exercises.<topic>), as a handle into the student's process."""
    if _run is None:
        pytest.skip("not running under the grader")
    module = _run.student_module()
    if module is None:
        raise ImportProblem(_run.import_error,
                            hung=_run.import_error == IMPORT_HUNG.format(module=_run.student.config.module))
    return module


@pytest.fixture
def student():
    """The student's process: `student.call(func, ...)` runs a kit function there."""
    if _run is None:
        pytest.skip("not running under the grader")
    return _run.student


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A fresh folder that the student's processes may write to (and the grader can read)."""
    folder = Path(tempfile.mkdtemp(prefix="check-", dir=_run.student.temp_dir))
    if _run.student.config.run_as is not None:
        _run.student.config.run_as.give(folder)
    return folder


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
def task_log(scratch: Path) -> TaskLog:
    """A fresh log where instrumented tasks record which process ran them, and when."""
    log = TaskLog(scratch / "tasks")
    if _run.student.config.run_as is not None:
        _run.student.config.run_as.give(log.directory)
    return log


@pytest.fixture
def kept_between_checks() -> set[int]:
    """The pids of the student's processes that this suite's next checks need (a cluster kept
    for all of them): the leftover guard lets each run on after a check while the kernel shows
    it as a child of the student's process. Emptied when that process is started again."""
    if _run.kept_generation != _run.student.generation:
        _run.kept_between_checks.clear()
        _run.kept_generation = _run.student.generation
    return _run.kept_between_checks


def _student_leftovers() -> list:
    """The student's processes still running after a check, other than its process's helpers."""
    student = _run.student
    if not student.alive():
        return []
    return system.student_leftovers(student.proc.pid, student.config.run_as)


@pytest.fixture(autouse=True)
def _leftover_guard():
    """Kill processes and remove segments a check leaves behind, and fail the check for it."""
    segments_before = system.shared_memory_segments()
    yield
    running, kept_for_reuse = _without_kept_between_checks(_student_leftovers()), 0
    if running:
        # Before the grace: the workers a library keeps would use all of it, as they never end.
        running, kept_for_reuse = _without_workers_kept_for_reuse(running)
    running = system.wait_until_stopped(running, waits.ENDING_S)
    labels, module_pools = {}, []
    if running:
        labels, module_pools = _names_of_leftovers()
    killed = system.kill_processes(running)
    removed = []
    if segments_before is not None:
        new = system.shared_memory_segments() - segments_before
        # Only the student's: another grading run on this machine may have segments in use.
        ours = {os.getpid(), *([_run.student.pid] if _run.student.pid else [])}
        removed = system.remove_segments(system.unclaimed_segments(new, ours=ours))
    problems = []
    if killed:
        problems.append(leftovers.describe_leftovers(killed, labels, module_pools)
                        + leftovers.describe_kept_for_reuse(kept_for_reuse))
    if removed:
        problems.append(f"left shared-memory segment(s) {', '.join(removed)} behind; call "
                        "close() in every process and unlink() once, in the one that created it")
    if problems:
        stopped = [f"{len(killed)} process(es)"] if killed else []
        stopped += [f"{len(removed)} shared-memory segment(s)"] if removed else []
        raise LeftBehind("Your code " + " and ".join(problems) + ". The grader cleaned up.",
                         brief=f"The grader then stopped and removed the {' and '.join(stopped)} "
                               "it left behind.")


def _without_kept_between_checks(running: list) -> list:
    """The leftovers apart from the processes the suite keeps for its next checks."""
    if not running or _run.kept_generation != _run.student.generation:
        return running
    kept = system.workers_of([proc for proc in running if proc.pid in _run.kept_between_checks],
                             _run.student.pid)
    return [proc for proc in running if proc not in kept]


def _without_workers_kept_for_reuse(running: list) -> tuple[list, int]:
    """The leftovers apart from the workers that a library keeps for reuse (joblib's loky
    workers), and how many of those there were.

    The student's process names them; each one is let run on only if the kernel agrees: a child
    of the student's process, running loky's worker code. (Not that it is idle: one may still be
    starting, and killing it would break the pool for the next check.)
    """
    try:
        named = _run.student.call(kept_workers.workers_kept_for_reuse, timeout_s=waits.ANSWERING_S)
    except Exception:  # noqa: BLE001 - a stuck or broken process: its processes are killed anyway
        return running, 0
    if not isinstance(named, list) or not named:
        return running, 0
    kept = system.workers_of([proc for proc in running if proc.pid in named],
                             _run.student.pid, KEPT_WORKER_CODE)
    return [proc for proc in running if proc not in kept], len(kept)


def _names_of_leftovers() -> tuple[dict, list[str]]:
    """What the student's process says about the processes it started (for the message only)."""
    pools = _run.pools_at_module_level()
    try:
        labels = _run.student.call(started.started_processes, timeout_s=waits.ANSWERING_S)
    except Exception:  # noqa: BLE001 - naming is a courtesy; a stuck process is killed anyway
        return {}, pools
    return leftovers.labels_from(labels), pools


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
        # pytest-timeout reads the closest timeout marker: put ours first. The student's calls
        # end at the check's limit; this is there for a fault of the grader's own.
        item.add_marker(pytest.mark.timeout(check_timeout(item) + BACKSTOP_GRACE_S), append=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem):
    if _run is None:
        yield
        return
    _run.emit("started", name=check_name(item))
    limit = check_timeout(item)
    _run.student.deadline_s = limit
    _run.student.deadline = time.monotonic() + limit
    _run.output_offset = _run.student.output_sizes()
    backstop = limit + 2 * BACKSTOP_GRACE_S
    faulthandler.dump_traceback_later(backstop, exit=True, file=_run.watchdog)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        _run.student.deadline = None


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
        report: CheckReport = getattr(item, "grader_report", None) or CheckReport()
        suite_source = item.path.read_text(encoding="utf-8")
        advice = dict(report.timeout_advice)
        module_pools = _run.pools_at_module_level()
        if module_pools:
            # Whatever call it hangs in, a pool kept at module level is the likely cause.
            advice.setdefault(ANY_CALL, leftovers.MODULE_POOL_HANG.format(
                names="`, `".join(module_pools)))
        verdict = check_verdict(phases, report.summary, report.metrics, _run.student_file,
                                check_timeout(item), advice)
        printed, errors = _run.student.output_since(getattr(_run, "output_offset", (0, 0)))
        _run.emit("check", name=check_name(item), duration_s=round(phases.pop("duration"), 3),
                  stdout=check_output(printed, suite_source),
                  stderr=check_output(errors, suite_source), **verdict)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _run is not None:
        _run.exitstatus = int(exitstatus)
        _run.student.stop()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if _run is None:
        return
    _run.emit("finished", exitstatus=_run.exitstatus)
    _run.events.close()
    sys.stdout.flush()
    sys.stderr.flush()
    # Every check has reported and been cleaned up after; nothing of the grader's needs a
    # normal interpreter exit.
    os._exit(0)
