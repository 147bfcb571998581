"""Running one topic's hidden suite in its own process group, with a deadline, and cleaning up.

The suite runs pytest in a new session (forked from the suite forkserver where it can be), its
output going to a file (an orphaned grandchild holding a pipe would block the reader forever).
When it ends, or its deadline passes, the whole group is killed and any shared-memory segment
it left is removed; then the events it streamed are read. A suite that never reported is a
verdict, not a crash of the grader.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from grader import system
from grader.reporting.outcomes import TopicRun, hide_suite_source, hide_suite_text, interpret
from grader.settings import Settings, Target
from grader.running import suite_forkserver
from grader.running.suite_env import PREFIX as SUITE_ENV_PREFIX, SuiteEnv
from grader.running.suite_forkserver import SUITE_MAIN, ForkedSuite
from grader.topics import SUITES_DIR, Topic
from student_runtime import __file__ as _student_runtime_init

LOG_TAIL_LINES = 25
# How often the runner looks at the suite while it runs, to report the check in progress.
POLL_S = 0.25
EVENTS_FILE, WATCHDOG_FILE, OUTPUT_FILE = "events.jsonl", "watchdog.log", "output.log"
# The one folder on the suite's path: links to the target package and to this kit's grader.
# Not a valid module name, so that the suite's working folder, on its path too, cannot import it.
IMPORT_ROOT = "import-root"
GRADER_DIR = Path(__file__).resolve().parent.parent
STUDENT_RUNTIME_DIR = Path(_student_runtime_init).resolve().parent
# The folders that hold them: what the suite forkserver imports the grader from.
CODE_FOLDERS = tuple(dict.fromkeys(str(d.parent) for d in (GRADER_DIR, STUDENT_RUNTIME_DIR)))


def suite_arguments(suite_path: Path, checks: tuple[str, ...] = (),
                    exitfirst: bool = False) -> list[str]:
    """pytest's arguments for one topic's suite (time limits come from the suite plugin).

    checks, when given, are the only checks run; exitfirst stops at the first that fails. The
    kit's own pytest.ini applies to private suites too, so that they run as the public ones do.
    """
    selected = [f"{suite_path}::test_{name}" for name in checks] or [str(suite_path)]
    return [
        *selected,
        "-c", str(SUITES_DIR / "pytest.ini"), "--rootdir", str(suite_path.parent),
        "--confcutdir", str(suite_path.parent),
        "-p", "pytest_timeout", "-p", "grader.running.suite_plugin",
        *(["-x"] if exitfirst else []),
    ]


def make_import_root(workdir: Path) -> Path:
    """A folder in workdir holding the grader and the kit's student-side code, for the suite's
    path. Putting their parent folders on the path would make their siblings importable too.
    """
    root = workdir / IMPORT_ROOT
    root.mkdir()
    system.link_directory(GRADER_DIR, root / GRADER_DIR.name)
    system.link_directory(STUDENT_RUNTIME_DIR, root / STUDENT_RUNTIME_DIR.name)
    return root


# Secrets the grader's own process may hold but the suite process has no use for.
SECRET_MARKERS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "CREDENTIAL")


def without_secrets(environ) -> dict[str, str]:
    """The environment less anything that looks like a secret (the signing key, CI tokens)."""
    return {name: value for name, value in environ.items()
            if not any(marker in name.upper() for marker in SECRET_MARKERS)}


def student_facing_output(lines: list[str], suite_path: Path, target: Target,
                          import_root: Path) -> list[str]:
    """The suite's output as a student may see it: their own file paths, not the suite's source."""
    real = str(target.package_dir)
    # pytest names files relative to the suite's working folder, which holds the import root.
    linked = (str(import_root / target.package), os.path.join(IMPORT_ROOT, target.package))
    lines = [line.replace(linked[0], real).replace(linked[1], real) for line in lines]
    return hide_suite_source(lines, suite_path.read_text(encoding="utf-8"))


def suite_environment(topic: Topic, settings: Settings, workdir: Path,
                      scratch: Path | None = None) -> dict[str, str]:
    """The suite's environment: ours less secrets, the import root first on the path, SuiteEnv."""
    env = without_secrets(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(workdir / IMPORT_ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONFAULTHANDLER"] = "1"
    # Only the plugins the suite asks for: others installed beside the kit (hypothesis, say)
    # would run in the judging process and cost up to a third of a second per topic.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    # A spawned pool worker is killed by Pool.terminate() with its prints still in its buffer.
    env["PYTHONUNBUFFERED"] = "1"
    if settings.python_cpu_count is not None:
        env["PYTHON_CPU_COUNT"] = str(settings.python_cpu_count)
    env.update(SuiteEnv(
        topic=topic.id,
        package=settings.target.package,
        package_dir=str(settings.target.package_dir),
        start_method=settings.start_method,
        usable_cpus=settings.cpus.count,
        cpus_source=settings.cpus.source,
        check_timeout_override_s=settings.check_timeout_s or 0.0,
        events_path=str(workdir / EVENTS_FILE),
        watchdog_path=str(workdir / WATCHDOG_FILE),
        scratch_dir=str(scratch or workdir / "student"),
        student_user=settings.isolation.user.name if settings.isolation and settings.isolation.user else "",
        python_cpu_count=settings.python_cpu_count or 0,
    ).to_environ())
    return env


def read_events(path: Path) -> list[dict]:
    """The events a suite wrote; a line cut short by a kill is dropped."""
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return events


class RunningCheck:
    """Follows a suite's event file as it grows, to tell which check is running and since when."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._name: str | None = None
        self._since = 0.0

    def poll(self) -> tuple[str | None, float]:
        """The check running now (None between checks) and how long it has been running."""
        try:
            with open(self.path, "rb") as file:
                file.seek(self._offset)
                data = file.read()
        except OSError:
            data = b""
        complete = data[:data.rfind(b"\n") + 1]
        self._offset += len(complete)
        for line in complete.decode("utf-8", errors="replace").splitlines():
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if event.get("event") == "started":
                self._name, self._since = event["name"], time.monotonic()
            elif event.get("event") == "check":
                self._name = None
        return self._name, (time.monotonic() - self._since if self._name else 0.0)


def start_suite(args: list[str], env: dict[str, str], workdir: Path,
                output: Path) -> subprocess.Popen | ForkedSuite:
    """The suite process, in a session of its own with its output in output: forked from the
    suite forkserver where it serves, else started on its own as `python -c SUITE_MAIN`."""
    output.touch()
    server_env = {name: value for name, value in env.items()
                  if not name.startswith(SUITE_ENV_PREFIX) and name != "PYTHONPATH"}
    forked = suite_forkserver.fork_suite(args, env, workdir, output, CODE_FOLDERS, server_env)
    if forked is not None:
        return forked
    with open(output, "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-c", SUITE_MAIN, *args], stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, cwd=workdir, env=env, **system.popen_group_options())


def wait_for_suite(proc: subprocess.Popen | ForkedSuite, deadline_s: float, events_path: Path,
                   on_progress: Callable[[str | None, float], None] | None = None) -> bool:
    """Wait for the suite to end, reporting the running check; True if the deadline came first."""
    running = RunningCheck(events_path)
    deadline = time.monotonic() + deadline_s
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return True
        try:
            proc.wait(timeout=min(POLL_S, left))
            return False
        except subprocess.TimeoutExpired:
            if on_progress is not None:
                on_progress(*running.poll())


def _read_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def run_topic(topic: Topic, settings: Settings,
              on_progress: Callable[[str | None, float], None] | None = None) -> TopicRun:
    """Grade one topic and return what happened; never raises for anything the student wrote.

    `on_progress(check, elapsed_s)` is called a few times a second while the suite runs.
    """
    deadline = settings.deadline_for(topic)
    user = settings.isolation.user if settings.isolation else None
    with tempfile.TemporaryDirectory(prefix=f"grade-{topic.id}-") as tmp, \
            tempfile.TemporaryDirectory(prefix=f"grade-student-{topic.id}-") as student_tmp:
        workdir, scratch = Path(tmp), Path(student_tmp)
        import_root = make_import_root(workdir)
        segments_before = system.shared_memory_segments(semaphores=True)
        started = time.monotonic()
        proc = start_suite(
            suite_arguments(settings.suite_path(topic), settings.checks_for(topic),
                            settings.exitfirst),
            suite_environment(topic, settings, workdir, scratch), workdir, workdir / OUTPUT_FILE)
        # Taken once the suite process runs: a forkserver started for it is not the topic's.
        children_before = system.child_pids()
        try:
            timed_out = wait_for_suite(proc, deadline, workdir / EVENTS_FILE, on_progress)
        finally:
            # Also on Ctrl-C: the suite sits in its own session and would not see it.
            leftover_processes = system.kill_group(proc)
            # Whatever of the student's left the suite's tree (an adopted orphan) or runs as
            # the student's user: nothing of the topic's outlives it.
            leftover_processes += system.kill_escaped(children_before, user)
        duration = time.monotonic() - started
        leftover_segments = []
        if segments_before is not None:
            new_segments = system.shared_memory_segments(semaphores=True) - segments_before
            # The suite's processes are gone: a segment still mapped belongs to another program.
            leftover_segments = [name for name in system.remove_segments(
                system.unclaimed_segments(new_segments)) if not name.startswith("sem.")]
        output = student_facing_output(
            _read_lines(workdir / OUTPUT_FILE) + _read_lines(workdir / WATCHDOG_FILE),
            settings.suite_path(topic), settings.target, import_root)
        run = interpret(
            topic,
            read_events(workdir / EVENTS_FILE),
            timed_out=timed_out,
            deadline_s=deadline,
            exit_code=proc.returncode,
            watchdog_fired=bool(_read_lines(workdir / WATCHDOG_FILE)),
            duration_s=duration,
            leftovers=tuple(leftover_processes) + tuple(f"shared memory {s}" for s in leftover_segments),
            log_tail="\n".join(output[-LOG_TAIL_LINES:]),
            exitfirst=settings.exitfirst,
        )
        return hide_suite_text(run, settings.suite_path(topic).read_text(encoding="utf-8"))
