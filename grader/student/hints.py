"""Staged hints: which hint of a topic comes next, and how hints are shown. Pure functions."""

from __future__ import annotations

import textwrap

from grader.topics import Topic

WIDTH = 100


def tied_hint(topic: Topic, failing_check: str | None) -> int | None:
    """The number (from 1) of the hint about this check, or None when no hint is about it."""
    if failing_check is None:
        return None
    return next((number for number, hint in enumerate(topic.hints, start=1)
                 if hint.check == failing_check), None)


def next_hint(topic: Topic, shown: set[int], failing_check: str | None = None) -> int | None:
    """The hint to show next: the one about the failing check when it is new, else the first
    hint not shown yet, in order; None when every hint has been shown."""
    tied = tied_hint(topic, failing_check)
    if tied is not None and tied not in shown:
        return tied
    return next((number for number in range(1, len(topic.hints) + 1) if number not in shown),
                None)


def _wrapped(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def format_hint(topic: Topic, number: int, failing_check: str | None = None) -> str:
    """One hint with a heading that says which it is and which check it is about."""
    hint = topic.hints[number - 1]
    about = ""
    if hint.check:
        failed = ", which failed in your last run" if hint.check == failing_check else ""
        about = f", about the check `{hint.check}`{failed}"
    heading = f"Hint {number} of {len(topic.hints)} for {topic.id}{about}:"
    return f"{heading}\n{_wrapped(hint.text, '  ')}"


def format_all(topic: Topic, failing_check: str | None = None) -> str:
    """Every hint, numbered; the one about the failing check is marked with `*`."""
    lines = []
    for number, hint in enumerate(topic.hints, start=1):
        failed = hint.check is not None and hint.check == failing_check
        note = ", failed in your last run" if failed else ""
        about = f"[{hint.check}{note}] " if hint.check else ""
        head = f"{'*' if failed else ' '} {number}. "
        body = textwrap.fill(about + hint.text, WIDTH, initial_indent=head,
                             subsequent_indent=" " * len(head))
        lines.append(body)
    return "\n".join(lines)
