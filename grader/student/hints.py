"""Staged hints: which hint of a topic comes next, and how hints are shown. Pure functions."""

from __future__ import annotations

import textwrap

from grader.topics import Topic

WIDTH = 100


def tied_hints(topic: Topic, failing_checks: tuple[str, ...]) -> list[int]:
    """The numbers (from 1) of the hints about these checks, in the order of the checks."""
    return [number for check in failing_checks
            for number, hint in enumerate(topic.hints, start=1) if hint.check == check]


def next_hint(topic: Topic, shown: set[int], failing_checks: tuple[str, ...] = ()) -> int | None:
    """The hint to show next: a new one about the failing checks, the first failing check's
    first, else the first hint not shown yet, in order; None when every hint has been shown."""
    tied = [number for number in tied_hints(topic, failing_checks) if number not in shown]
    if tied:
        return tied[0]
    return next((number for number in range(1, len(topic.hints) + 1) if number not in shown),
                None)


def _wrapped(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def format_hint(topic: Topic, number: int, failing_checks: tuple[str, ...] = ()) -> str:
    """One hint with a heading that says which it is and which check it is about."""
    hint = topic.hints[number - 1]
    about = ""
    if hint.check:
        failed = ", which failed in your last run" if hint.check in failing_checks else ""
        about = f", about the check `{hint.check}`{failed}"
    heading = f"Hint {number} of {len(topic.hints)} for {topic.id}{about}:"
    return f"{heading}\n{_wrapped(hint.text, '  ')}"


def format_all(topic: Topic, failing_checks: tuple[str, ...] = ()) -> str:
    """Every hint, numbered; those about the failing checks are marked with `*`."""
    lines = []
    for number, hint in enumerate(topic.hints, start=1):
        failed = hint.check is not None and hint.check in failing_checks
        note = ", failed in your last run" if failed else ""
        about = f"[{hint.check}{note}] " if hint.check else ""
        head = f"{'*' if failed else ' '} {number}. "
        body = textwrap.fill(about + hint.text, WIDTH, initial_indent=head,
                             subsequent_indent=" " * len(head))
        lines.append(body)
    return "\n".join(lines)
