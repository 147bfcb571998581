"""Wording shared by the suites' messages, so every check speaks the same way."""

from __future__ import annotations

MAX_SHOWN = 8


def shown(values) -> str:
    """A value for a message: lists longer than a few items are cut, with the length given."""
    if isinstance(values, (list, tuple)) and len(values) > MAX_SHOWN:
        head = ", ".join(repr(v) for v in values[:MAX_SHOWN])
        return f"[{head}, ...] ({len(values)} items)"
    return repr(values)


def mismatch(call: str, got, expected, advice: str) -> str:
    """'Called CALL: got X, expected Y. ADVICE', pointing at the first difference in lists."""
    where = ""
    if isinstance(got, list) and isinstance(expected, list):
        if len(got) != len(expected):
            where = f" ({len(got)} items instead of {len(expected)})"
        else:
            first = next((i for i, (g, e) in enumerate(zip(got, expected)) if g != e), None)
            if first is not None:
                where = f" (first difference at index {first}: {got[first]!r} instead of {expected[first]!r})"
    return f"Called {call}: got {shown(got)}, expected {shown(expected)}{where}. {advice}"
