"""From what happened in a check's setup, call and teardown to its outcome and message.

The suite plugin collects the exceptions of each phase; this module decides what they mean for
the student and words it. Messages are named constants so the kit's tests can refer to them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
RAISED = "Your code raised {error}{where}. Run the function by hand on a small input to see it happen."


class ImportProblem(Exception):
    """The student's module could not be imported; every check reports this message."""


class MissingFunction(Exception):
    """The student's module lacks a name the suite calls."""


class LeftBehind(Exception):
    """A check finished but left processes or shared-memory segments behind."""


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


def check_verdict(phases: dict, summary: str, metrics: dict, student_file: Path,
                  timeout_s: float) -> dict:
    """The outcome, message and metrics of one check from the exception info of its phases.

    `phases` maps "setup", "call" and "teardown" to pytest's ExceptionInfo for each phase that
    raised; a phase that went well is absent.
    """
    result = {"outcome": "passed", "message": summary, "metrics": metrics, "not_started": False}
    if "setup" in phases:
        error = phases["setup"].value
        if isinstance(error, pytest.skip.Exception):
            return {**result, "outcome": "skipped", "message": str(error.msg)}
        message = str(error) if isinstance(error, ImportProblem) else f"Grader error: {describe(error)}"
        return {**result, "outcome": "error", "message": message}
    if "call" in phases:
        result.update(_call_failure(phases["call"], student_file, timeout_s))
    if "teardown" in phases:
        error = phases["teardown"].value
        left = str(error) if isinstance(error, LeftBehind) else f"Grader error: {describe(error)}"
        if result["outcome"] == "passed":
            result.update(outcome="failed", message=left)
        else:
            result["message"] += " " + left
    return result


def _call_failure(excinfo, student_file: Path, timeout_s: float) -> dict:
    error = excinfo.value
    if isinstance(error, pytest.skip.Exception):
        return {"outcome": "skipped", "message": str(error.msg)}
    if "pytest-timeout" in str(error):
        return {"outcome": "timeout", "message": STUCK_MESSAGE.format(
            timeout=timeout_s, where=where(excinfo.tb, student_file))}
    if isinstance(error, NotImplementedError):
        return {"outcome": "failed", "not_started": True,
                "message": f"{NOT_STARTED_PREFIX}{error}" if str(error) else NOT_STARTED_PREFIX}
    if isinstance(error, (AssertionError, MissingFunction)):
        return {"outcome": "failed", "message": str(error)}
    return {"outcome": "failed",
            "message": RAISED.format(error=describe(error), where=where(excinfo.tb, student_file))}
