"""From what happened in a check's setup, call and teardown to its outcome and message.

The suite plugin collects the exceptions of each phase; this module decides what they mean for
the student and words it. Messages are named constants so the kit's tests can refer to them.
"""

from __future__ import annotations

from pathlib import Path

import pickle

import pytest

STUCK_MESSAGE = "Did not finish within {timeout:g} s and was stopped{where}{waiting}. {advice}"
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
    """The student's module could not be imported; every check reports this message."""


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


def describe(error: BaseException) -> str:
    """'TypeName: first line of the message'."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def where(tb, student_file: Path) -> str:
    """' at exercises/topic.py:LINE' for the deepest frame of the traceback in the student's file."""
    found = ""
    target = str(student_file.resolve())
    shown = f"{student_file.parent.name}/{student_file.name}"
    while tb is not None:
        if str(Path(tb.tb_frame.f_code.co_filename).resolve()) == target:
            found = f" at {shown}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


def pickling_problem(error: BaseException) -> str | None:
    """The message for an error raised because something could not be sent to a process."""
    text = str(error)
    if isinstance(error, pickle.PicklingError) or "local object" in text:
        return FUNCTION_NOT_PICKLABLE
    if "pickle" in text or "through inheritance" in text:
        return OBJECT_NOT_PICKLABLE
    return None


def blocking_call(tb) -> str | None:
    """The multiprocessing call a timed-out check was waiting in, such as 'Process.join'."""
    while tb is not None:
        code = tb.tb_frame.f_code
        module = tb.tb_frame.f_globals.get("__name__", "")
        if module.startswith(("multiprocessing", "concurrent.futures")):
            qualname = getattr(code, "co_qualname", code.co_name)
            # Named as the student knows them: Process.join, Connection.recv.
            return (qualname.removeprefix("Base").replace("BaseProcess", "Process")
                    .replace("_ConnectionBase", "Connection"))
        tb = tb.tb_next
    return None


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
        message = str(error) if isinstance(error, ImportProblem) else f"Grader error: {describe(error)}"
        return {**result, "outcome": "error", "message": message}
    if "call" in phases:
        result.update(_call_failure(phases["call"], student_file, timeout_s, timeout_advice or {}))
    if "teardown" in phases:
        error = phases["teardown"].value
        if not isinstance(error, LeftBehind):
            left = brief = f"Grader error: {describe(error)}"
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
    if "pytest-timeout" in str(error):
        call = blocking_call(excinfo.tb)
        return {"outcome": "timeout", "message": STUCK_MESSAGE.format(
            timeout=timeout_s, where=where(excinfo.tb, student_file),
            waiting=f", waiting in {call}()" if call else "",
            advice=timeout_advice.get(call) or timeout_advice.get(ANY_CALL, STUCK_ADVICE))}
    if isinstance(error, NotImplementedError):
        return {"outcome": "failed", "not_started": True,
                "message": f"{NOT_STARTED_PREFIX}{error}" if str(error) else NOT_STARTED_PREFIX}
    if isinstance(error, (AssertionError, MissingFunction)):
        return {"outcome": "failed", "message": str(error)}
    pickling = pickling_problem(error)
    if pickling:
        return {"outcome": "failed", "message": pickling.format(
            error=describe(error), where=where(excinfo.tb, student_file))}
    return {"outcome": "failed",
            "message": RAISED.format(error=describe(error), where=where(excinfo.tb, student_file))}
