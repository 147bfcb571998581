"""Wording shared by the suites' messages, so every check speaks the same way."""

from __future__ import annotations

MAX_SHOWN = 8


# Longer numbers are shown by their first and last digits.
MAX_DIGITS = 20


def shown(values) -> str:
    """A value for a message: lists longer than a few items are cut, with the length given, and
    numbers of hundreds of digits (a puzzle's answers) shortened."""
    if isinstance(values, (list, tuple)) and len(values) > MAX_SHOWN:
        head = ", ".join(_short(v) for v in values[:MAX_SHOWN])
        return f"[{head}, ...] ({len(values)} items)"
    if isinstance(values, list):
        return "[" + ", ".join(_short(v) for v in values) + "]"
    return _short(values)


def _short(value) -> str:
    text = repr(value)
    if isinstance(value, int) and len(text) > MAX_DIGITS:
        return f"{text[:8]}...{text[-4:]} ({len(text)} digits)"
    return text


def mismatch(call: str, got, expected, advice: str) -> str:
    """'Called CALL: got X, expected Y. ADVICE', pointing at the first difference in lists."""
    where = ""
    if isinstance(got, list) and isinstance(expected, list):
        if len(got) != len(expected):
            where = f" ({len(got)} items instead of {len(expected)})"
        else:
            first = next((i for i, (g, e) in enumerate(zip(got, expected)) if g != e), None)
            if first is not None:
                where = (f" (first difference at index {first}: {_short(got[first])} instead "
                         f"of {_short(expected[first])})")
    return f"Called {call}: got {shown(got)}, expected {shown(expected)}{where}. {advice}"
