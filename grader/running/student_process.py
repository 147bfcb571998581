"""The student's code in a process of its own, reached only through calls and plain-data answers.

The suite that judges never imports the student's module. It starts the agent of
`student_runtime` in a new process, with an environment built from an allowlist and a path that
holds only the student's package, the kit's student-side code and the installed libraries. Each
call is pickled to the agent; what comes back is decoded as plain data (`student_runtime.wire`),
never unpickled. What is not plain data stays in the student's process, and the suite holds a
`Remote` handle to it.

A call that outlives the check's deadline is a hang, and so is one in which none of the
student's processes has done anything for a few seconds (`stall_watch`): the agent is asked for
its stacks (to say where it waited), then every process of the student's is killed and the call
raises `CallTimedOut`. The next check starts a fresh agent.
"""

from __future__ import annotations

import io
import operator
import os
import pickle
import queue
import shutil
import signal
import site
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import psutil

from grader.call_errors import (CallTimedOut, OutputFlood, StudentProcessDied, StudentRaised,
                                exceptions_in)
from grader import system
from grader.running.stall_watch import Stall, StallWatch, seconds_since_boot
from student_runtime import wire
from student_runtime.workloads import notes

# Variables a Python program may need to run the same as it does for the student; everything
# else (signing keys, CI tokens, the grader's own settings) stays out of the student's process.
ALLOWED_VARIABLES = frozenset({
    "PATH", "LANG", "LANGUAGE", "TZ", "TERM", "NO_COLOR", "SYSTEMROOT", "WINDIR", "COMSPEC",
    "PATHEXT", "NUMBER_OF_PROCESSORS", "PROCESSOR_ARCHITECTURE", "PYTHON_CPU_COUNT",
    # The kit's own tests mark every process of a grading run, to find what one left behind.
    "GRADER_KIT_TEST_RUN",
})
ALLOWED_PREFIXES = ("LC_", "OPENBLAS_", "OMP_", "MKL_")
# Extra folders for the student's path: the kit's own tests put the reference solutions there,
# which known-wrong versions build on. Set by whoever runs the grader, never by student code.
STUDENT_PATH = "GRADER_STUDENT_PATH"
GRADER_NOT_IMPORTABLE = ("The grader's own code cannot be imported from the code it grades: "
                         "write the exercise with multiprocessing itself.")
AGENT_CODE = "from student_runtime import agent; agent.main()"
STUDENT_RUNTIME_DIR = Path(__file__).resolve().parents[2] / "student_runtime"
# How long the agent gets to write its stacks when asked, before it is killed.
STACK_WAIT_S = 0.5
# What is kept of the student's output for one check: its head and its tail.
OUTPUT_KEPT_BYTES = 32 * 1024
# More output than this in a topic fills the disk for nothing: the student's processes are
# stopped. It is checked this often while a call runs.
MAX_OUTPUT_BYTES = 64 * 1024 * 1024
OUTPUT_CHECK_EVERY_S = 0.25


class Remote:
    """A handle to an object that lives in the student's process.

    Attribute reads and calls go to the student's process and come back as plain data, or as
    further handles. It passes back into calls as the object itself.
    """

    def __init__(self, student: "StudentProcess", fields: dict) -> None:
        object.__setattr__(self, "_student", student)
        object.__setattr__(self, "_fields", fields)
        object.__setattr__(self, "_generation", student.generation)

    @property
    def remote_type(self) -> str:
        """The qualified name of the object's class in the student's process."""
        return self._fields.get("type", "")

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._student.call(getattr, self, name)

    def __call__(self, *args, **kwargs):
        return self._student.call(self, *args, **kwargs)

    def __iter__(self):
        iterator = self._student.call(iter, self, want="handle")
        while True:
            try:
                yield self._student.call(next, iterator)
            except StudentRaised as error:
                if error.is_a("StopIteration"):
                    return
                raise

    def __len__(self) -> int:
        try:
            return self._student.call(len, self)
        except StudentRaised as error:
            if error.is_a(TypeError):  # an iterator has no len(): list() then just iterates
                raise TypeError(error.message) from None
            raise

    def __getitem__(self, key):
        return self._student.call(operator.getitem, self, key)

    def __enter__(self):
        return self._student.call(operator.methodcaller("__enter__"), self)

    def __exit__(self, *exc_info) -> None:
        self._student.call(operator.methodcaller("__exit__", None, None, None), self)

    def __repr__(self) -> str:
        return self._fields.get("repr", "<remote object>")

    def __del__(self) -> None:
        student = self.__dict__.get("_student")
        if student is not None and self._generation == student.generation:
            student.released.append(self._fields["id"])


class _RequestPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Remote):
            return ("handle", obj._fields["id"])
        return None


@dataclass
class StudentProcessConfig:
    """How to start the student's process: its module, its start method, where it may write."""

    package: str
    package_dir: Path
    module: str
    start_method: str
    scratch: Path
    python_cpu_count: int | None = None
    run_as: system.StudentUser | None = None
    extra_paths: tuple[str, ...] = ()
    # The socket where the tasks' notes reach the grader (None: the grader reads their files).
    task_desk: str | None = None
    # When the desk last heard from the student's processes (time.monotonic()). Without a
    # desk, a hang is called only at the check's limit.
    last_heard: Callable[[], float] | None = None


def allowed_environment(environ=os.environ) -> dict[str, str]:
    """The variables of environ that the student's process may see."""
    return {name: value for name, value in environ.items()
            if name in ALLOWED_VARIABLES or name.startswith(ALLOWED_PREFIXES)}


def library_paths() -> list[str]:
    """The folders of installed libraries (NumPy, psutil), without the kit's own source tree.

    The agent runs with -S, so no .pth file runs: an editable install of the kit is not on it.
    """
    paths = list(site.getsitepackages())
    if site.ENABLE_USER_SITE and site.getusersitepackages():
        paths.append(site.getusersitepackages())
    return [p for p in paths if os.path.isdir(p)]


class StudentProcess:
    """The student's process for one topic: started on demand, killed after a hang or crash."""

    def __init__(self, config: StudentProcessConfig) -> None:
        self.config = config
        self.proc: subprocess.Popen | None = None
        self.generation = 0
        self.released: list[int] = []
        self.deadline: float | None = None
        self.deadline_s: float = 0.0
        # Bytes of answers the student's process has written to the grader, frames and all.
        self.answer_bytes = 0
        self._answers: queue.Queue = queue.Queue()
        self.output_path = config.scratch / "stdout.log"
        self.errors_path = config.scratch / "stderr.log"
        self.stack_path = config.scratch / "stacks.txt"
        self._import_root = self._make_import_root()
        self._prepare_scratch()
        self.temp_dir = system.temp_folder_for_sockets(config.scratch / "tmp")
        weakref.finalize(self, system.remove_short_link, self.temp_dir)

    # -- starting and stopping -------------------------------------------------------------

    def _make_import_root(self) -> Path:
        """A folder holding only the student's package and the kit's student-side code."""
        root = self.config.scratch / "import-root"
        root.mkdir(parents=True, exist_ok=True)
        for source, name in ((self.config.package_dir, self.config.package),
                             (STUDENT_RUNTIME_DIR, STUDENT_RUNTIME_DIR.name)):
            if self.config.run_as is None:
                system.link_directory(source, root / name)
            else:
                # Another user may not be able to read the kit's folder, and must not change
                # the files being graded: it gets a copy it can read and not write.
                shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"),
                                copy_function=shutil.copyfile)
                for folder, _, files in os.walk(root / name):
                    os.chmod(folder, 0o755)
                    for file in files:
                        os.chmod(os.path.join(folder, file), 0o644)
        # Where the kit is installed among the libraries (not editable), the grader would be on
        # the student's path: a package of the same name, first on it, answers instead.
        guard = root / "grader"
        guard.mkdir(exist_ok=True)
        (guard / "__init__.py").write_text(f"raise ImportError({GRADER_NOT_IMPORTABLE!r})\n")
        return root

    def _prepare_scratch(self) -> None:
        """The student's home, temp folder, output and stacks files, owned by the student's user
        (the import root stays the grader's: the student's code may read it, not change it)."""
        for folder in ("home", "tmp"):
            (self.config.scratch / folder).mkdir(exist_ok=True)
        for path in (self.output_path, self.errors_path, self.stack_path):
            path.touch()
        user = self.config.run_as
        if user is not None:
            os.chown(self.config.scratch, user.uid, user.gid)
            for entry in self.config.scratch.iterdir():
                if entry != self._import_root:
                    user.give(entry)
            self._import_root.chmod(0o755)

    def environment(self) -> dict[str, str]:
        """The student's environment: the allowlist, its own home and temp folder, its path."""
        home = self.config.scratch / "home"
        tmp = self.temp_dir
        env = allowed_environment()
        env.update({
            "PYTHONPATH": os.pathsep.join([str(self._import_root), *self.config.extra_paths,
                                           *library_paths()]),
            "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONIOENCODING": "utf-8",
            "HOME": str(home), "USERPROFILE": str(home),
            "TMPDIR": str(tmp), "TMP": str(tmp), "TEMP": str(tmp),
            # joblib would put the files it memory-maps arrays from in /dev/shm, where a killed
            # process leaves them; in the student's temp folder they go with the topic.
            "JOBLIB_TEMP_FOLDER": str(tmp),
        })
        if self.config.python_cpu_count is not None:
            env["PYTHON_CPU_COUNT"] = str(self.config.python_cpu_count)
        if self.config.task_desk is not None:
            env[notes.DESK_VARIABLE] = self.config.task_desk
        return env

    def start(self) -> None:
        """Start the agent (a no-op while it runs)."""
        if self.alive():
            return
        self.generation += 1
        self.released = []
        self._answers = queue.Queue()
        output = open(self.errors_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-S", "-P", "-c", AGENT_CODE, str(self.output_path),
                 str(self.errors_path), str(self.stack_path), self.config.start_method,
                 self.config.module],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=output,
                cwd=self.config.scratch / "home", env=self.environment(),
                **system.popen_group_options(), **system.run_as_options(self.config.run_as))
        finally:
            output.close()
        reader = threading.Thread(target=self._read_answers, args=(self.proc, self._answers),
                                  daemon=True, name="student-answers")
        reader.start()

    @staticmethod
    def _read_answers(proc: subprocess.Popen, answers: queue.Queue) -> None:
        fd = proc.stdout.fileno()
        try:
            while True:
                frame = wire.read_frame(fd)
                answers.put(frame)
                if frame is None:
                    return
        except (OSError, wire.BadMessage):
            answers.put(None)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> list[psutil.Process]:
        """Kill the agent and every process of the student's; return those still running before."""
        if self.proc is None:
            return []
        killed = system.kill_student_processes(self.proc.pid, self.config.run_as)
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.wait()
        self.proc.stdout.close()
        self.proc = None
        return killed

    # -- calls -----------------------------------------------------------------------------

    def make(self, factory, *args, **kwargs) -> Remote:
        """factory(*args, **kwargs) in the student's process, kept there; a handle to it."""
        return self.call(factory, *args, want="handle", **kwargs)

    @property
    def pid(self) -> int | None:
        """The pid of the student's process (the agent), or None when it is not running."""
        return self.proc.pid if self.alive() else None

    def call(self, func, *args, want: str = "auto", timeout_s: float | None = None, **kwargs):
        """func(*args, **kwargs) in the student's process; its answer as plain data or a Remote."""
        self.start()
        payload = io.BytesIO()
        _RequestPickler(payload, protocol=pickle.HIGHEST_PROTOCOL).dump(
            {"func": func, "args": args, "kwargs": kwargs, "want": want,
             "release": self.released[:]})
        self.released.clear()
        try:
            wire.write_frame(self.proc.stdin.fileno(), payload.getvalue())
        except OSError:
            raise self._died() from None
        frame = self._wait_for_answer(timeout_s)
        if frame is None:
            raise self._died()
        self.answer_bytes += len(frame) + wire.FRAME_OVERHEAD
        try:
            message = wire.decode(frame)
        except wire.BadMessage as error:
            self.stop()
            raise StudentProcessDied(None) from error
        return self._interpret(message)

    def _wait_for_answer(self, timeout_s: float | None) -> bytes | None:
        """The answer frame (None when the process ended); raises on a hang or a flood of output."""
        ends = time.monotonic() + self._wait_s(timeout_s)
        limit_s = timeout_s if timeout_s is not None else self.deadline_s
        stall_watch, call_started = None, seconds_since_boot()
        while True:
            try:
                return self._answers.get(timeout=max(0.0, min(OUTPUT_CHECK_EVERY_S,
                                                              ends - time.monotonic())))
            except queue.Empty:
                pass
            if sum(self.output_sizes()) > MAX_OUTPUT_BYTES:
                self.stop()
                raise OutputFlood(MAX_OUTPUT_BYTES)
            if time.monotonic() >= ends:
                raise self._timed_out(limit_s)
            # Watched only once a call outlasts one wait: most calls are far shorter.
            if stall_watch is None and self.config.last_heard is not None and self.alive():
                stall_watch = StallWatch(self.proc.pid, self.config.last_heard, call_started)
            stall = stall_watch.stalled() if stall_watch is not None else None
            if stall is not None:
                raise self._timed_out(limit_s, stall)

    def _wait_s(self, timeout_s: float | None) -> float:
        left = [] if timeout_s is None else [timeout_s]
        if self.deadline is not None:
            left.append(self.deadline - time.monotonic())
        return max(0.0, min(left)) if left else 3600.0

    def _interpret(self, message):
        if not isinstance(message, dict) or len(message) != 1:
            raise StudentProcessDied(None)
        (tag, body), = message.items()
        if tag == "$ok":
            return exceptions_in(body)
        if tag == "$handle":
            return Remote(self, body)
        if tag == "$raised":
            raise StudentRaised(body)
        raise StudentProcessDied(None)

    def _died(self) -> StudentProcessDied:
        code = self.proc.wait() if self.proc is not None else None
        self.stop()
        return StudentProcessDied(code)

    def _timed_out(self, timeout_s: float, stall: Stall | None = None) -> CallTimedOut:
        stack = self._stack_of_main_thread()
        self.stop()
        return CallTimedOut(timeout_s, stack, stall)

    def _stack_of_main_thread(self) -> list:
        """The frames the agent's main thread was in, from the stacks it writes when asked."""
        if not hasattr(signal, "SIGUSR1") or not self.alive():
            return []
        try:
            self.stack_path.write_text("")
            os.kill(self.proc.pid, signal.SIGUSR1)
        except OSError:
            return []
        # faulthandler writes from its signal handler; the stacks are complete once the file
        # stops growing.
        deadline, text = time.monotonic() + STACK_WAIT_S, ""
        while time.monotonic() < deadline:
            time.sleep(0.05)
            latest = self.stack_path.read_text(errors="replace")
            if latest and latest == text:
                break
            text = latest
        return main_thread_frames(text)

    # -- output ------------------------------------------------------------------------------

    def output_sizes(self) -> tuple[int, int]:
        """How much the student's processes have printed so far, on stdout and on stderr."""
        return _size(self.output_path), _size(self.errors_path)

    def output_since(self, offsets: tuple[int, int]) -> tuple[str, str]:
        """What the student's processes printed since offsets, on stdout and on stderr: the
        head and tail of each, however much it was."""
        return (_read_capped(self.output_path, offsets[0]),
                _read_capped(self.errors_path, offsets[1]))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_capped(path: Path, offset: int) -> str:
    """What a file holds past offset; its first and last OUTPUT_KEPT_BYTES when longer."""
    try:
        with open(path, "rb") as file:
            file.seek(offset)
            head = file.read(OUTPUT_KEPT_BYTES)
            end = file.seek(0, os.SEEK_END)
            if end - offset > 2 * OUTPUT_KEPT_BYTES:
                file.seek(end - OUTPUT_KEPT_BYTES)
                skipped = end - offset - 2 * OUTPUT_KEPT_BYTES
                head += f"\n[... {skipped:,} bytes not shown ...]\n".encode() + file.read()
            elif end - offset > OUTPUT_KEPT_BYTES:
                file.seek(offset + OUTPUT_KEPT_BYTES)
                head += file.read()
    except OSError:
        return ""
    return head.decode("utf-8", errors="replace")


def main_thread_frames(stacks: str) -> list:
    """(file, line, function) frames, deepest last, of the thread that runs the agent's loop.

    faulthandler lists each thread's frames most recent first, under a 'Thread 0x...' line.
    """
    for block in stacks.split("\n\n"):
        frames = []
        for line in block.splitlines():
            line = line.strip()
            if not line.startswith('File "'):
                continue
            path, _, rest = line[6:].partition('", line ')
            number, _, function = rest.partition(" in ")
            if number.strip().isdigit():
                frames.append((path, int(number), function.strip()))
        if any(path.endswith(os.path.join("student_runtime", "agent.py")) for path, _, _ in frames):
            return list(reversed(frames))
    return []
