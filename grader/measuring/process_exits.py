"""How the processes a call started ended, put into words for the student.

The student's process watches its own Process starts (student_runtime.instruments.exits) and
reports, for each, whether the code joined it and its exit code; exits_from() reads that report
and describe_exit_problems() words what went wrong: a process still running, one never joined,
one that ended with a non-zero code. The report is the student's process speaking about itself:
it can fail a check, never pass one (a process it hides as ended is still found running by the
grader's leftover guard).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_LISTED = 4


@dataclass(frozen=True)
class Exit:
    """One process the call started: what it ran, and how it ended."""

    label: str  # "a Process running consume()", as the student knows it
    pid: int | None
    joined: bool
    exitcode: int | None  # None: still running when the call returned

    def __str__(self) -> str:
        return f"{self.label} (pid {self.pid})"


def exits_from(report) -> list[Exit]:
    """The Exits in ExitWatch.stop()'s report; anything not shaped like one is left out."""
    exits = []
    for entry in report if isinstance(report, list) else []:
        if not isinstance(entry, dict):
            continue
        pid, code = entry.get("pid"), entry.get("exitcode")
        exits.append(Exit(str(entry.get("label", "a Process")),
                          pid if isinstance(pid, int) else None, entry.get("joined") is True,
                          code if isinstance(code, int) else None))
    return exits


def _listed(exits: list[Exit], with_code: bool = False) -> str:
    shown = [f"{e} with {e.exitcode}" if with_code else str(e) for e in exits[:MAX_LISTED]]
    more = f" and {len(exits) - MAX_LISTED} more" if len(exits) > MAX_LISTED else ""
    return ", ".join(shown) + more


RUNNING_ADVICE = ("A process that may never end must be stopped with terminate() before it is "
                  "joined.")


def describe_exit_problems(exits: list[Exit], expected_codes=(0,),
                           running_advice: str = RUNNING_ADVICE) -> str | None:
    """What went wrong with the processes, in one message, or None when nothing did.

    expected_codes: the exit codes that are fine here; None when any code is (a process that
    was meant to die, or to be stopped). running_advice: what to do about a process still
    running, in the words of the exercise.
    """
    running = [e for e in exits if e.exitcode is None]
    if running:
        return (f"Your function returned while {len(running)} process(es) it started were still "
                f"running: {_listed(running)}. Join every process you start before returning. "
                + running_advice)
    unjoined = [e for e in exits if not e.joined]
    if unjoined:
        return (f"Your function never joined {len(unjoined)} process(es) it started: "
                f"{_listed(unjoined)}. join() each one before returning: that is how you know it "
                "has ended, and with which exit code.")
    failed = [e for e in exits if expected_codes is not None and e.exitcode not in expected_codes]
    if failed:
        return (f"{len(failed)} process(es) your code started ended with a non-zero exit code: "
                f"{_listed(failed, with_code=True)}. Exit code 1 means an uncaught exception "
                "ended the process (`grade -v` shows its traceback); a negative code is the "
                "signal that stopped it. Every producer and consumer should return normally.")
    return None
