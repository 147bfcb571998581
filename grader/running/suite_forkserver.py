"""A forkserver for suite processes: pytest and the suite plugin imported once, a fork per topic.

Starting a suite process from nothing costs about a quarter of a second of CPU before its first
check (the interpreter, pytest, its plugins and the grader's own modules), for every topic of
every run. Like multiprocessing's forkserver, this server process imports all of that once and
forks a suite process for each request, which then starts at pytest's command line.

Only where fork is safe without exec (Linux): elsewhere, and whenever the server cannot serve,
the runner starts the suite process as before. The server holds nothing that a suite process
would not get anyway: the environment the runner gives suite processes, less what is each
topic's own, and the grader's modules. Each suite process gets the environment, working folder
and path that the runner built for it, in a new session, with its output in its log.

The server forks, and only forks: it reaps its suite processes and reports how they ended. It
stops at the end of its request pipe: when the process that started it exits, or stops it.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import pkgutil
import select
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import psutil

# What a suite process runs, from the forkserver or started on its own: pytest's command line,
# with a __main__ of no file, so that the kit's spawned workers do not import pytest again.
SUITE_MAIN = "import pytest, sys; sys.argv[0] = 'pytest'; raise SystemExit(pytest.console_main())"
# Started as `python -c SERVER_MAIN REQUESTS_FD REPLIES_FD FOLDER...`, the folders holding the
# grader and the kit's student-side code.
SERVER_MAIN = ("import sys; sys.path[:0] = sys.argv[3:]; "
               "from grader.running import suite_forkserver as f; "
               "f.run_suite(f.serve(int(sys.argv[1]), int(sys.argv[2])))")
# What the server imports for its suite processes: pytest with its plugins, and what suites
# import (never a suite itself: pytest would take it from sys.modules, whatever its path).
PRELOADED = ("pytest", "pytest_timeout", "grader.running.suite_plugin",
             "grader.suites.shared_checks")
PRELOADED_PACKAGES = ("grader.measuring", "student_runtime.instruments",
                      "student_runtime.workloads")
# Modules that import NumPy, whose BLAS may start threads as it loads (OpenBLAS stops its own
# at a fork; others need not): a fork copies only the thread that forks, so the suite processes
# that need them import them themselves.
NOT_PRELOADED = ("grader.measuring.transfer", "student_runtime.instruments.segments",
                 "student_runtime.workloads.arrays")
# Variables read when an interpreter starts: a server started with other values cannot serve.
STARTUP_PREFIXES = ("PYTHON", "LANG", "LC_")
# How long a server that was told to stop may take to do so.
STOP_TIMEOUT_S = 5.0
# How long the server may take to start and answer its first request before the runner gives up
# on it for this run and starts its suite processes on their own.
ANSWER_TIMEOUT_S = 15.0


def available() -> bool:
    """Whether suite processes may be forked here: fork without exec is safe on Linux alone."""
    return sys.platform.startswith("linux")


# --- the server's side ------------------------------------------------------------------------

@dataclass
class SuiteJob:
    """What a forked suite process is to run, and the server's descriptors it must close."""

    args: list[str]
    env: dict[str, str]
    cwd: str
    output: str
    server_fds: tuple[int, ...]
    # What the interpreter added to its environment as it started (LC_CTYPE, when it coerced
    # a C locale to UTF-8): a suite process started on its own would have it too.
    added_at_startup: dict[str, str]


def serve(requests: int, replies: int) -> SuiteJob:
    """Serve fork requests until the request pipe closes (then exit); returns in each fork.

    A request is a JSON line {"id", "args", "env", "cwd", "output"}; the replies are JSON lines,
    {"id": request's, "pid": n} for each request and {"exited": n, "returncode": code} as each
    suite process ends.
    """
    _preload()
    added_at_startup = _added_at_startup()
    # The path left is the interpreter's own: each suite process puts its own in front.
    sys.path[:] = [p for p in sys.path[len(sys.argv) - 3:] if p]
    wakeup_read, wakeup_write = os.pipe()
    os.set_blocking(wakeup_write, False)
    signal.set_wakeup_fd(wakeup_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    running: set[int] = set()
    pending = b""
    while True:
        readable, _, _ = select.select([requests, wakeup_read], [], [])
        if wakeup_read in readable:
            os.read(wakeup_read, 4096)
        if requests in readable:
            data = os.read(requests, 65536)
            if not data:
                sys.exit(0)
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                request = _fork(json.loads(line), running, replies)
                if request is not None:
                    return SuiteJob(server_fds=(requests, replies, wakeup_read, wakeup_write),
                                    added_at_startup=added_at_startup, **request)
        # After forking too: a suite process may have ended meanwhile.
        _reap(running, replies)


def _fork(request: dict, running: set[int], replies: int) -> dict | None:
    """Fork for request: returns the request in the new process; here, replies with its pid."""
    request_id = request.pop("id")
    pid = os.fork()
    if pid == 0:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        return request
    running.add(pid)
    _reply(replies, {"id": request_id, "pid": pid})
    return None


def _preload() -> None:
    from _pytest.config import default_plugins

    names = [*PRELOADED, *(f"_pytest.{name}" for name in default_plugins)]
    for package in PRELOADED_PACKAGES:
        names += [info.name for info in pkgutil.iter_modules(
            importlib.import_module(package).__path__, f"{package}.")]
    for name in names:
        if name in NOT_PRELOADED:
            continue
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # the suite process imports it, or fails to, as it would have anyway


def _added_at_startup() -> dict[str, str]:
    with open("/proc/self/environ", "rb") as file:
        given = {entry.partition(b"=")[0].decode(errors="replace")
                 for entry in file.read().split(b"\0") if entry}
    return {name: value for name, value in os.environ.items() if name not in given}


def _reap(running: set[int], replies: int) -> None:
    for pid in list(running):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            running.discard(pid)
            _reply(replies, {"exited": pid, "returncode": os.waitstatus_to_exitcode(status)})


def _reply(replies: int, message: dict) -> None:
    os.write(replies, (json.dumps(message) + "\n").encode())


def run_suite(job: SuiteJob) -> NoReturn:
    """In a forked suite process: become what `python -c SUITE_MAIN ARGS` started by the runner
    would be, then run pytest (the interpreter then ends as any other, its exit handlers run)."""
    os.setsid()
    for fd in job.server_fds:
        os.close(fd)
    output = os.open(job.output, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    for fd in (1, 2):
        os.dup2(output, fd)
    os.close(output)
    os.chdir(job.cwd)
    os.environ.clear()
    os.environ.update({**job.added_at_startup, **job.env})
    pythonpath = [p for p in job.env.get("PYTHONPATH", "").split(os.pathsep) if p]
    # `python -c` puts the working folder first, unless told not to (PYTHONSAFEPATH, -P).
    sys.path[:0] = [*([] if getattr(sys.flags, "safe_path", False) else [""]), *pythonpath]
    sys.path_importer_cache.clear()
    importlib.invalidate_caches()
    tempfile.tempdir = None
    sys.argv = ["pytest", *job.args]
    import pytest  # here, not above: the runner's process has no use for it

    raise SystemExit(pytest.console_main())


# --- the runner's side ------------------------------------------------------------------------

class ForkedSuite:
    """A suite process forked by the server, handled as the runner handles a Popen."""

    def __init__(self, server: "SuiteForkserver", pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._server = server
        try:
            self._process: psutil.Process | None = psutil.Process(pid)
        except psutil.NoSuchProcess:
            self._process = None

    def poll(self) -> int | None:
        """The exit code once the process has ended, else None."""
        if self.returncode is None:
            self.returncode = self._server.exit_code(self.pid, self._process, timeout_s=0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the process to end; raises subprocess.TimeoutExpired as Popen.wait does."""
        if self.returncode is None:
            self.returncode = self._server.exit_code(self.pid, self._process, timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(SUITE_MAIN, timeout)
        return self.returncode

    def kill(self) -> None:
        """SIGKILL the process, unless it has ended (and its pid may be someone else's)."""
        try:
            if self._process is not None and self._process.is_running():
                self._process.kill()
        except psutil.Error:
            pass


class SuiteForkserver:
    """The runner's handle on one server process."""

    def __init__(self, key: tuple, env: dict[str, str]) -> None:
        self.key = key
        requests_read, self._requests = os.pipe()
        self._replies, replies_write = os.pipe()
        executable, _, folders = key
        self._proc = subprocess.Popen(
            [executable, "-c", SERVER_MAIN, str(requests_read), str(replies_write), *folders],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=env, pass_fds=(requests_read, replies_write), start_new_session=True,
        )
        os.close(requests_read)
        os.close(replies_write)
        self._lock = threading.Lock()
        self._changed = threading.Condition()
        self._last_id = 0
        # The pid forked for each request, by the request's id.
        self._started: dict[int, int] = {}
        self._abandoned: set[int] = set()
        self.has_forked = False
        self._exits: dict[int, int] = {}
        self._closed = False
        self._reader = threading.Thread(target=self._read_replies, daemon=True,
                                        name="suite-forkserver-replies")
        self._reader.start()

    def fork(self, args: list[str], env: dict[str, str], cwd: Path,
             output: Path) -> ForkedSuite | None:
        """A suite process running pytest with args; None when the server cannot serve."""
        with self._lock:
            self._last_id += 1
            request_id = self._last_id
            request = json.dumps({"id": request_id, "args": args, "env": env, "cwd": str(cwd),
                                  "output": str(output)})
            try:
                os.write(self._requests, request.encode() + b"\n")
            except OSError:
                return None
        with self._changed:
            try:
                self._changed.wait_for(lambda: request_id in self._started or self._closed,
                                       ANSWER_TIMEOUT_S)
            except BaseException:  # Ctrl-C: whatever is forked for it now is nobody's to watch
                self._abandon(request_id)
                raise
            pid = self._started.pop(request_id, None)
            self.has_forked = self.has_forked or pid is not None
            if pid is None:
                # Should the server fork it after all, the process is killed at once: the runner
                # starts the suite on its own instead.
                self._abandon(request_id)
                return None
        return ForkedSuite(self, pid)

    def _abandon(self, request_id: int) -> None:
        """No one waits for this request: kill what was or will be forked for it."""
        self._abandoned.add(request_id)
        if request_id in self._started:
            _kill(self._started.pop(request_id))

    def exit_code(self, pid: int, process: psutil.Process | None,
                  timeout_s: float | None) -> int | None:
        """How the suite process ended, waiting up to timeout_s; None if it still runs."""
        with self._changed:
            self._changed.wait_for(lambda: pid in self._exits or self._closed, timeout_s)
            if pid in self._exits:
                return self._exits.pop(pid)
        # The server is gone, and with it the news of this process's end: look for yourself (an
        # orphan adopted by this process tells its code; of another's, only that it ended).
        if process is None or not process.is_running():
            return -signal.SIGKILL
        try:
            code = process.wait(timeout_s)
        except psutil.TimeoutExpired:
            return None
        return -signal.SIGKILL if code is None else int(code)

    def matches(self, key: tuple) -> bool:
        """Whether this server can fork suite processes for key, and still runs."""
        return self.key == key and not self._closed and self._proc.poll() is None

    def close(self) -> None:
        """Stop the server (its suite processes are the runner's to stop), once it has answered
        every request: a process forked for one given up on is then killed."""
        try:
            os.close(self._requests)
        except OSError:
            pass
        try:
            self._proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._reader.join(timeout=STOP_TIMEOUT_S)

    def _read_replies(self) -> None:
        try:
            with open(self._replies, "rb") as replies:
                for line in replies:
                    self._take(json.loads(line))
        except (ValueError, KeyError, TypeError):
            pass  # a server that says what it should not is one no more
        finally:
            with self._changed:
                self._closed = True
                self._changed.notify_all()

    def _take(self, message: dict) -> None:
        with self._changed:
            if "pid" in message:
                # The server names a pid before it can report its end: an end already kept
                # for this pid was an earlier process's, whose pid the system gave out again.
                self._exits.pop(message["pid"], None)
            if message.get("id") in self._abandoned:
                _kill(message["pid"])
            elif "pid" in message:
                self._started[message["id"]] = message["pid"]
            else:
                self._exits[message["exited"]] = message["returncode"]
            self._changed.notify_all()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


_server: SuiteForkserver | None = None
_server_lock = threading.Lock()
# Set when a new server could not fork even once (it failed to start): the rest of this
# process's suite processes start on their own rather than pay for another try each.
_given_up = False


def server_pid() -> int | None:
    """The pid of this process's server, while it runs."""
    with _server_lock:
        return _server._proc.pid if _server is not None and _server._proc.poll() is None else None


def startup_environment(env: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The variables of env that an interpreter reads as it starts (PYTHONPATH aside: the path
    is each suite process's own)."""
    return tuple(sorted((name, value) for name, value in env.items()
                        if name.startswith(STARTUP_PREFIXES) and name != "PYTHONPATH"))


def fork_suite(args: list[str], env: dict[str, str], cwd: Path, output: Path,
               code_folders: tuple[str, ...], server_env: dict[str, str]) -> ForkedSuite | None:
    """A suite process forked from this process's server, started (or started again) as needed;
    None where fork is not safe or the server cannot serve: start the process on its own.

    code_folders hold the packages the server imports (the grader's and its student-side code);
    server_env is the environment a new server starts with: env less what is each topic's own.
    """
    global _server, _given_up
    if not available() or _given_up:
        return None
    key = (sys.executable, startup_environment(env), code_folders)
    with _server_lock:
        if _server is None or not _server.matches(key):
            if _server is not None:
                _server.close()
            try:
                _server = SuiteForkserver(key, server_env)
            except OSError:
                _server, _given_up = None, True
                return None
        server = _server
    forked = server.fork(args, env, cwd, output)
    if forked is None and not server.has_forked:
        _given_up = True
    return forked


def stop_server() -> None:
    """Stop this process's server, if it runs, and wait until it has (at exit, so that nothing
    of a grading run outlives it)."""
    global _server
    with _server_lock:
        if _server is not None:
            _server.close()
            _server = None


atexit.register(stop_server)
