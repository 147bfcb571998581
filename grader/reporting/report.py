"""The readable summary printed at the end of a run, rendered from the scorecard alone."""

from __future__ import annotations

import textwrap

MARKS = {"passed": "ok", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT",
         "skipped": "skip"}
WIDTH = 100
INTERRUPTED = "Interrupted: {not_graded} not graded, counted as 0 in this partial total. "
SCORECARD_NOT_WRITTEN = (
    "The scorecard could not be written to {path} ({reason}); give --json a path you can write "
    "to and grade again."
)


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]


def _speedup_note(check: dict) -> str:
    metrics = check["metrics"]
    if "speedup" in metrics and "threshold" in metrics:
        return f" [{metrics['speedup']:.2f}x, needs {metrics['threshold']:.2f}x]"
    return ""


def _printed(check: dict) -> list[str]:
    """What the student's code printed during the check (grade --verbose), stream by stream."""
    lines = []
    for stream, text in check.get("output", {}).items():
        if text:
            lines.append(f"          your code printed on {stream}:")
            # Verbatim, not wrapped: a student reads their own lines as they wrote them.
            lines.extend(f"          | {line}" for line in text.splitlines())
    return lines


def closing_line(scorecard: dict, json_path: str, write_error: str | None = None) -> str:
    """The table's last line: the total, whether the run was cut short, where the scorecard went."""
    total, most = scorecard["score"], scorecard["max_score"]
    percent = 100 * total / most if most else 0.0
    line = f"Total {total}/{most} ({percent:.0f}%). "
    if scorecard["interrupted"]:
        not_graded = [t["id"] for t in scorecard["topics"] if t["status"] == "not_graded"]
        line = INTERRUPTED.format(not_graded=", ".join(not_graded)) + line
    if write_error:
        return line + SCORECARD_NOT_WRITTEN.format(path=json_path, reason=write_error)
    return line + f"Scorecard written to {json_path}"


def render(scorecard: dict, json_path: str, write_error: str | None = None) -> str:
    """The end-of-run table: every topic's score, each failed check's message, speedups.

    write_error says why the scorecard could not be written, when it could not.
    """
    lines = []
    for topic in scorecard["topics"]:
        lines.append(f"{topic['id']:<16} {topic['score']:>3}/{topic['max_score']:<3} "
                     f"{topic['status']:<12} {topic['title']}")
        if topic["status"] in ("not_started", "error") or (topic["status"] == "timeout" and not topic["checks"]):
            lines.extend(_wrap(topic["message"], "    "))
            if topic["status"] == "not_started":
                continue
        for check in topic["checks"]:
            head = (f"  {MARKS[check['outcome']]:<7} {check['name']} ({check['kind']}) "
                    f"{check['points']}/{check['max_points']}{_speedup_note(check)}")
            lines.append(head)
            if check["outcome"] != "passed" and topic["status"] != "error":
                lines.extend(_wrap(check["message"], "          "))
            lines.extend(_printed(check))
        for leftover in topic.get("leftovers", []):
            lines.append(f"  cleaned up after the suite: {leftover}")
        if topic["status"] in ("failed", "timeout") and "hint" in topic:
            lines.extend(_wrap(f"hint: {topic['hint']}", "  "))
    lines.append("")
    lines.append(closing_line(scorecard, json_path, write_error))
    return "\n".join(lines)
