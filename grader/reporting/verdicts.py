"""From what happened in a check's setup, call and teardown to its outcome and message.

The suite plugin collects the exceptions of each phase; this module decides what they mean for
the student and words it. Messages are named constants so the kit's tests can refer to them.
"""

from __future__ import annotations

import importlib
import inspect
import os
import signal
from pathlib import Path

import pytest

from grader.call_errors import (ALL_IDLE, CALLER_SPINNING, WORKERS_SILENT, CallTimedOut,
                                OutputFlood, StudentException, StudentProcessDied)

STUCK_MESSAGE = "Did not finish within {timeout:g} s and was stopped{where}{waiting}. {advice}"
STALLED_MESSAGE = ("None of your processes ran for {stalled:.0f} s, so nothing was left to end "
                   "the wait: it was stopped{where}{waiting}. {advice}")
SPINNING_MESSAGE = ("The processes this call started sat idle for {stalled:.0f} s while only the "
                    "calling process ran: it was stopped{where}{waiting}. {advice}")
SILENT_WORKERS_MESSAGE = ("The processes this call started kept running for {stalled:.0f} s "
                          "while none of the grader's tasks began or ended: a worker loops "
                          "forever. It was stopped{where}{waiting}. {advice}")
STALL_MESSAGES = {ALL_IDLE: STALLED_MESSAGE, CALLER_SPINNING: SPINNING_MESSAGE,
                  WORKERS_SILENT: SILENT_WORKERS_MESSAGE}
# A key of a check's timeout advice that applies whatever call the check hung in.
ANY_CALL = "*"
STUCK_ADVICE = (
    "Look for a join() or get() waiting on something that never comes: a worker that died, a "
    "queue nobody fills, a lock nobody releases, a loop with no end."
)
FUNCTION_NOT_PICKLABLE = (
    "Your code sent a function to another process that could not be pickled ({error}{where}). "
    "Under the spawn and forkserver start methods (the default on macOS and Windows, and on "
    "Linux from Python 3.14) a child starts as a fresh interpreter and finds a function by "
    "importing its module and looking up its name, so a function sent to another process must "
    "be defined at module level in your module: not a lambda, not a function defined inside "
    "another one. Under fork it can seem to work, but the same code fails on other machines."
)
OBJECT_NOT_PICKLABLE = (
    "Your code sent an object to another process that cannot travel that way ({error}{where}). "
    "Locks, Values, Arrays and pools reach a child only when it is created: pass them in "
    "Process(args=...) or in a Pool's initializer and initargs, not as task arguments."
)
NOT_STARTED_PREFIX = "Not started yet: "
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
RAISED = "Your code raised {error}{where}. Run the function by hand on a small input to see it happen."


class ImportProblem(Exception):
    """The student's module could not be imported; every check reports this message.

    hung: the import did not finish in time (a timeout, not an error).
    """

    def __init__(self, message: str, hung: bool = False) -> None:
        super().__init__(message)
        self.hung = hung


class MissingFunction(Exception):
    """The student's module lacks a name the suite calls."""


class LeftBehind(Exception):
    """A check finished but left processes or shared-memory segments behind.

    `brief` is what to add to a check that already failed for another reason, such as a
    timeout, where advice about returning cleanly would be beside the point.
    """

    def __init__(self, message: str, brief: str = "") -> None:
        super().__init__(message)
        self.brief = brief or message


PROCESS_ENDED = (
    "Your code ended its own process during this check ({how}){where}. Only child processes "
    "should exit: do not call os._exit() or sys.exit() in the function the grader calls, nor "
    "kill its process. The grader started it again for the next check."
)
CRASHED = (
    "Your code's process crashed during this check ({how}){where}: the interpreter itself "
    "failed, as it does when memory that is no longer mapped is read (a NumPy view of a shared "
    "segment that was closed, say). Keep every view of a segment only while the segment is "
    "open. The grader started it again for the next check."
)
OUTPUT_FLOOD = (
    "Your code printed more than {limit} MiB during this check, so the grader stopped it: a "
    "print inside a loop over many items, or in every task, floods the output. Print a summary, "
    "or nothing, once the code works."
)
CRASH_SIGNALS = ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT")


def describe_error(error: BaseException) -> str:
    """'TypeName: first line of the message'."""
    text = str(error).strip().splitlines()
    name = error.type_name if isinstance(error, StudentException) else type(error).__name__
    return f"{name}: {text[0]}" if text else name


def in_student_file(error, student_file: Path) -> str:
    """' at exercises/topic.py:LINE' for the deepest frame of the error in the student's file.

    error is a StudentException, a CallTimedOut, or a list of (file, line, function) frames.
    """
    frames = frames_of(error)
    found = ""
    target = os.path.normcase(str(student_file.resolve()))
    name = os.path.normcase(student_file.name)
    shown = f"{student_file.parent.name}/{student_file.name}"
    for path, line, _ in frames:
        path = os.path.normcase(str(path))
        # The student's process imports a linked or copied package: match its last parts.
        if path == target or (os.path.basename(path) == name and
                              os.path.basename(os.path.dirname(path)) == os.path.normcase(
                                  student_file.parent.name)):
            found = f" at {shown}:{line}"
    return found


def frames_of(error) -> list:
    """(file, line, function) frames, deepest last, of a StudentException, a CallTimedOut, a
    traceback, or a list of such frames."""
    if hasattr(error, "tb_frame"):
        frames = []
        while error is not None:
            frames.append((error.tb_frame.f_code.co_filename, error.tb_lineno,
                           error.tb_frame.f_code.co_name))
            error = error.tb_next
        return frames
    if isinstance(error, list):
        return error
    return getattr(error, "frames", None) or getattr(error, "stack", None) or []


def pickling_problem(error: BaseException) -> str | None:
    """The message for an error raised because something could not be sent to a process."""
    text = str(error)
    is_pickling = (error.is_a("PicklingError") if isinstance(error, StudentException)
                   else type(error).__name__ == "PicklingError")
    if is_pickling or "local object" in text:
        return FUNCTION_NOT_PICKLABLE
    if "pickle" in text or "through inheritance" in text:
        return OBJECT_NOT_PICKLABLE
    return None


def blocking_call(frames: list) -> str | None:
    """The multiprocessing call a hung call was waiting in, such as 'Process.join'.

    frames are (file, line, function), deepest last, from the stacks of the student's process.
    """
    for path, line, function in frames_of(frames):
        module = _stdlib_module(str(path))
        if module and module.startswith(("multiprocessing", "concurrent.futures")):
            qualname = _qualname_at(module, function, line)
            # Named as the student knows them: Process.join, Connection.recv.
            return (qualname.removeprefix("Base").replace("BaseProcess", "Process")
                    .replace("_ConnectionBase", "Connection"))
    return None


def _stdlib_module(path: str) -> str | None:
    """multiprocessing.connection for .../lib/python3.X/multiprocessing/connection.py."""
    parts = Path(path).with_suffix("").parts
    for package in ("multiprocessing", "concurrent"):
        if package in parts:
            dotted = parts[parts.index(package):]
            return ".".join(dotted[:-1] if dotted[-1] == "__init__" else dotted)
    return None


def _qualname_at(module_name: str, function: str, line: int) -> str:
    """The qualified name of the function of this name whose code holds this line."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return function
    for _, kind in inspect.getmembers(module, inspect.isclass):
        candidate = kind.__dict__.get(function)
        code = getattr(candidate, "__code__", None)
        if code is not None and code.co_firstlineno <= line:
            lines = [number for _, _, number in code.co_lines() if number]
            if lines and line <= max(lines):
                return f"{kind.__qualname__}.{function}"
    return function


def process_ended(error: StudentProcessDied, student_file: Path) -> str:
    """The message for a call whose process ended: an exit, a kill, or a crash of the interpreter."""
    code = error.returncode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        template = CRASHED if name in CRASH_SIGNALS else PROCESS_ENDED
        return template.format(how=f"killed by {name}", where="")
    return PROCESS_ENDED.format(how=f"exit code {code}", where="")


def check_verdict(phases: dict, summary: str, metrics: dict, student_file: Path,
                  timeout_s: float, timeout_advice: dict[str, str] | None = None) -> dict:
    """The outcome, message and metrics of one check from the exception info of its phases.

    `phases` maps "setup", "call" and "teardown" to pytest's ExceptionInfo for each phase that
    raised; a phase that went well is absent. `timeout_advice` maps a call the check may hang in
    (such as "Process.join") to what to do about it there.
    """
    result = {"outcome": "passed", "message": summary, "metrics": metrics, "not_started": False}
    if "setup" in phases:
        error = phases["setup"].value
        if isinstance(error, pytest.skip.Exception):
            return {**result, "outcome": "skipped", "message": str(error.msg)}
        message = (str(error) if isinstance(error, ImportProblem)
                   else f"Grader error: {describe_error(error)}")
        hung = isinstance(error, ImportProblem) and error.hung
        return {**result, "outcome": "timeout" if hung else "error", "message": message}
    if "call" in phases:
        result.update(_call_failure(phases["call"], student_file, timeout_s, timeout_advice or {}))
    if "teardown" in phases:
        error = phases["teardown"].value
        if not isinstance(error, LeftBehind):
            left = brief = f"Grader error: {describe_error(error)}"
        else:
            left, brief = str(error), error.brief
        if result["outcome"] == "passed":
            result.update(outcome="failed", message=left)
        else:
            result["message"] += " " + brief
    return result


def _call_failure(excinfo, student_file: Path, timeout_s: float,
                  timeout_advice: dict[str, str]) -> dict:
    error = excinfo.value
    if isinstance(error, pytest.skip.Exception):
        return {"outcome": "skipped", "message": str(error.msg)}
    if isinstance(error, CallTimedOut):
        call = blocking_call(error.stack)
        stall = error.stall
        template = STUCK_MESSAGE if stall is None else STALL_MESSAGES[stall.kind]
        return {"outcome": "timeout", "message": template.format(
            timeout=timeout_s, stalled=stall.seconds if stall else 0.0,
            where=in_student_file(error, student_file),
            waiting=f", waiting in {call}()" if call else "",
            advice=timeout_advice.get(call) or timeout_advice.get(ANY_CALL, STUCK_ADVICE))}
    if isinstance(error, StudentProcessDied):
        return {"outcome": "failed", "message": process_ended(error, student_file)}
    if isinstance(error, OutputFlood):
        return {"outcome": "failed", "message": OUTPUT_FLOOD.format(
            limit=error.limit_bytes // (1024 * 1024))}
    if (isinstance(error, StudentException) and error.is_a(NotImplementedError)) or \
            isinstance(error, NotImplementedError):
        return {"outcome": "failed", "not_started": True,
                "message": f"{NOT_STARTED_PREFIX}{error}" if str(error) else NOT_STARTED_PREFIX}
    if isinstance(error, StudentException) and error.is_a(AttributeError) and \
            error.fields.get("name") and "module" in error.message:
        return {"outcome": "failed", "message": FUNCTION_MISSING.format(
            path=f"{student_file.parent.name}/{student_file.name}", name=error.fields["name"])}
    if isinstance(error, (AssertionError, MissingFunction)):
        return {"outcome": "failed", "message": str(error)}
    pickling = pickling_problem(error)
    place = error if isinstance(error, StudentException) else excinfo.tb
    if pickling:
        return {"outcome": "failed", "message": pickling.format(
            error=describe_error(error), where=in_student_file(place, student_file))}
    return {"outcome": "failed", "message": RAISED.format(
        error=describe_error(error), where=in_student_file(place, student_file))}
