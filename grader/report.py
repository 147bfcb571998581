"""The readable summary printed at the end of a run, rendered from the scorecard alone."""

from __future__ import annotations

import textwrap

MARKS = {"passed": "ok", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT",
         "skipped": "skip"}
WIDTH = 100


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]


def _speedup_note(check: dict) -> str:
    metrics = check["metrics"]
    if "speedup" in metrics and "threshold" in metrics:
        return f" [{metrics['speedup']:.2f}x, needs {metrics['threshold']:.2f}x]"
    return ""


def render(scorecard: dict, json_path: str) -> str:
    """The end-of-run table: every topic's score, each failed check's message, speedups."""
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
        for leftover in topic.get("leftovers", []):
            lines.append(f"  cleaned up after the suite: {leftover}")
        if topic["status"] in ("failed", "timeout") and "hint" in topic:
            lines.extend(_wrap(f"hint: {topic['hint']}", "  "))
    total, most = scorecard["score"], scorecard["max_score"]
    percent = 100 * total / most if most else 0.0
    lines.append("")
    lines.append(f"Total {total}/{most} ({percent:.0f}%). Scorecard written to {json_path}")
    return "\n".join(lines)
