"""Turning the events a suite streamed into check outcomes, including for what never reported.

Pure functions: the runner hands over the events and how the suite process ended; nothing here
touches processes or files.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from grader.topics import Topic

IMPORT_HUNG = (
    "Importing {module} did not finish within the time allowed. Code at module level runs on "
    "import: a loop, join(), input() or sleep there never returns. Move it into a function or "
    "under `if __name__ == '__main__':`."
)
DEADLINE_PASSED = (
    "Still running when the topic's {deadline:g} s deadline passed, so the grader stopped it. "
    "Something waits forever: a join() on a process that never ends, a get() on an empty queue, "
    "or a lock that is never released."
)
BACKSTOP_FIRED = (
    "Could not be interrupted at its time limit and was stopped with the whole suite: the code "
    "was stuck inside a call that never returns to Python. Look for a wait with no timeout."
)
PROCESS_DIED = (
    "The grading process itself ended during this check (exit code {code}). Your code must not "
    "call os._exit() or sys.exit() in the parent, nor kill it; only child processes should exit."
)
NOT_RUN = "Not run: the suite stopped during an earlier check ({culprit})."
STOPPED_AT_FIRST_FAILURE = "Not run: --exitfirst stopped at the first check that did not pass ({first})."
SUITE_DID_NOT_START = (
    "The suite for this topic did not start (exit code {code}), so nothing was graded; its last "
    "output was: {output}. Look there for the cause; if it points at neither your code nor this "
    "machine's setup, reinstall the kit (`python -m pip install -e .`) and grade again."
)
# Enough for the error a failed start ends with, few enough to fit in one message.
QUOTED_OUTPUT_LINES = 3


SUITE_TEXT_HIDDEN = "[suite text hidden]"
# Code lines of a suite at least this long are hidden wherever they are quoted; shorter ones
# ("import pytest") say nothing about it. String literals are the suite's own messages, shown
# to students anyway.
MIN_HIDDEN_CHARS = 16


def suite_code_lines(suite_source: str) -> list[str]:
    """The suite's lines of code worth hiding, longest first (so a long one is hidden whole)."""
    lines = {line.strip() for line in suite_source.splitlines()}
    code = [line for line in lines if len(line) >= MIN_HIDDEN_CHARS
            and not line.startswith(('"', "'", 'f"', "f'", "#"))]
    return sorted(code, key=len, reverse=True)


def hide_suite_text(run: "TopicRun", suite_source: str) -> "TopicRun":
    """The run with every quote of the suite's code removed from whatever it reports.

    The student's code may have read the suite (same user) and put it in an exception, a
    print or a return value; what is reported is filtered, not only what is printed.
    """
    code = suite_code_lines(suite_source)

    def clean(text: str) -> str:
        for line in code:
            if line in text:
                text = text.replace(line, SUITE_TEXT_HIDDEN)
        return text

    checks = tuple(replace(check, message=clean(check.message), stdout=clean(check.stdout),
                           stderr=clean(check.stderr), metrics=_clean_metrics(check.metrics, clean))
                   for check in run.checks)
    return replace(run, checks=checks, message=clean(run.message), log_tail=clean(run.log_tail),
                   leftovers=tuple(clean(item) for item in run.leftovers))


def _clean_metrics(metrics: dict, clean) -> dict:
    return {key: clean(value) if isinstance(value, str) else value
            for key, value in metrics.items()}


def hide_suite_source(lines: list[str], suite_source: str) -> list[str]:
    """These output lines, less any that quote the hidden suite's source (tracebacks do)."""
    suite_lines = {line.strip() for line in suite_source.splitlines() if line.strip()}
    return [line for line in lines if line.strip().lstrip(">").strip() not in suite_lines]


def last_output(log_tail: str) -> str:
    """The last few non-blank lines of a suite's output, on one line, for a message."""
    lines = [line.strip() for line in log_tail.splitlines() if line.strip()]
    return " | ".join(lines[-QUOTED_OUTPUT_LINES:]) or "nothing"


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome, before points are given."""

    name: str
    kind: str
    outcome: str
    max_points: int
    message: str
    metrics: dict = field(default_factory=dict)
    not_started: bool = False
    # Skipped because --exitfirst stopped the suite before it: its points still count in the
    # maximum, so that stopping early never raises the percentage.
    stopped_early: bool = False
    duration_s: float = 0.0
    # What the student's code printed during the check, suite source removed and cut short.
    stdout: str = ""
    stderr: str = ""


@dataclass(frozen=True)
class TopicRun:
    """What running one topic's suite produced."""

    topic: Topic
    checks: tuple[CheckResult, ...]
    problem: str | None = None
    message: str = ""
    duration_s: float = 0.0
    leftovers: tuple[str, ...] = ()
    log_tail: str = ""
    # False when the topic counts in neither score nor maximum here: the instructor keeps its
    # suite, or this Python cannot run it.
    counts: bool = True


@dataclass(frozen=True)
class _Ending:
    """How a suite that collected its checks ended: the topic's problem (None when every check
    reported, or -x stopped it on purpose), the message, and the check it stopped in."""

    problem: str | None = None
    message: str = ""
    culprit: str | None = None
    stopped_early: bool = False
    first_failure: str | None = None


def _ending(events: list[dict], collected: list[dict], reported: dict, *, timed_out: bool,
            deadline_s: float, exit_code: int | None, watchdog_fired: bool,
            exitfirst: bool) -> _Ending:
    importing = next((e for e in events if e["event"] == "importing"), None)
    imported = next((e for e in events if e["event"] == "imported"), None)
    problem, message = None, ""
    if importing and imported is None:
        problem, message = "timeout", IMPORT_HUNG.format(module=importing["module"])
    elif imported and not imported["ok"]:
        problem = "timeout" if imported.get("hung") else "error"
        message = imported["message"]
    started = [e["name"] for e in events if e["event"] == "started"]
    missing = [check["name"] for check in collected if check["name"] not in reported]
    first_failure = next((e["name"] for e in reported.values() if e["outcome"] != "passed"), None)
    if not missing or problem is not None:
        return _Ending(problem, message, first_failure=first_failure)
    if exitfirst and first_failure is not None and all(name in reported for name in started):
        return _Ending(stopped_early=True, first_failure=first_failure)
    # The suite stopped before every check reported: during the first one that started and
    # never finished, or between two checks when none did.
    culprit = next((name for name in started if name not in reported), None)
    if timed_out:
        problem, message = "timeout", DEADLINE_PASSED.format(deadline=deadline_s)
    elif watchdog_fired:
        problem, message = "timeout", BACKSTOP_FIRED
    else:
        problem, message = "error", PROCESS_DIED.format(code=exit_code)
    return _Ending(problem, message, culprit, first_failure=first_failure)


def _check_result(check: dict, reported: dict, ending: _Ending) -> CheckResult:
    name, base = check["name"], {"name": check["name"], "kind": check["kind"],
                                 "max_points": check["points"]}
    if name in reported:
        event = reported[name]
        return CheckResult(**base, outcome=event["outcome"], message=event["message"],
                           metrics=event["metrics"], not_started=event["not_started"],
                           duration_s=event["duration_s"], stdout=event["stdout"],
                           stderr=event["stderr"])
    if ending.stopped_early:
        return CheckResult(**base, outcome="skipped", stopped_early=True,
                           message=STOPPED_AT_FIRST_FAILURE.format(first=ending.first_failure))
    if ending.culprit is None or name == ending.culprit:
        return CheckResult(**base, outcome=ending.problem, message=ending.message)
    return CheckResult(**base, outcome=ending.problem,
                       message=NOT_RUN.format(culprit=ending.culprit))


def interpret(topic: Topic, events: list[dict], *, timed_out: bool, deadline_s: float,
              exit_code: int | None, watchdog_fired: bool = False, duration_s: float = 0.0,
              leftovers: tuple[str, ...] = (), log_tail: str = "",
              exitfirst: bool = False) -> TopicRun:
    """The TopicRun for a suite that wrote these events and then ended as described.

    exitfirst: the suite was asked to stop at the first check that did not pass, so checks after
    that one are skipped, not lost to a crash.
    """
    common = {"topic": topic, "duration_s": round(duration_s, 3), "leftovers": leftovers,
              "log_tail": log_tail}
    collected = next((e["checks"] for e in events if e["event"] == "collected"), None)
    if collected is None:
        problem = "timeout" if timed_out else "error"
        message = (DEADLINE_PASSED.format(deadline=deadline_s) if timed_out
                   else SUITE_DID_NOT_START.format(code=exit_code, output=last_output(log_tail)))
        return TopicRun(checks=(), problem=problem, message=message, **common)
    reported = {e["name"]: e for e in events if e["event"] == "check"}
    ending = _ending(events, collected, reported, timed_out=timed_out, deadline_s=deadline_s,
                     exit_code=exit_code, watchdog_fired=watchdog_fired, exitfirst=exitfirst)
    checks = tuple(_check_result(check, reported, ending) for check in collected)
    message = f"{ending.culprit}: {ending.message}" if ending.culprit else ending.message
    return TopicRun(checks=checks, problem=ending.problem, message=message, **common)
