"""The readable summary printed at the end of a run, rendered from the scorecard alone.

Coloured for a terminal (see use_colour), plain for a pipe, a log or NO_COLOR. Speedup checks
show their timings, speedup and efficiency with a small bar; race checks how much was lost.
"""

from __future__ import annotations

import os
import textwrap

import click

from grader.reporting.scorecard import NOT_A_RESULT

MARKS = {"passed": "ok", "failed": "FAIL", "error": "ERROR", "timeout": "TIMEOUT",
         "skipped": "skip"}
COLOURS = {"passed": "green", "failed": "red", "error": "red", "timeout": "yellow",
           "skipped": "bright_black", "not_started": "bright_black", "not_graded": "bright_black",
           "not_available": "bright_black"}
WIDTH = 100
BAR_WIDTH = 10
# Below this share of CPU time the tasks were starved, and the raw timings mislead.
BUSY_SHARE = 0.9
INTERRUPTED = "Interrupted: {not_graded} not graded, counted as 0 in this partial total. "
NEXT_STEP = "Next: {id}. Open exercises/{id}.py, then run `grade {id}`."
ALL_DONE = "Every topic passes. Well done!"
NOTHING_GRADABLE_HERE = ("Nothing was graded: this Python cannot run these topics (what each one "
                         "needs is above). Grade them with a Python that can.")
SCORECARD_NOT_WRITTEN = (
    "The scorecard could not be written to {path} ({reason}); give --json a path you can write "
    "to and grade again."
)


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]


def use_colour(stream) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set to anything (no-color.org)."""
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """[#####-----] for a fraction between 0 and 1 (clamped)."""
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def speedup_line(metrics: dict) -> str | None:
    """The clock's reading, then any correction for a busy machine in words, the efficiency
    against the parallelism possible, and what the threshold was and why."""
    if "speedup" not in metrics or "serial_s" not in metrics:
        return None
    speedup, possible = metrics["speedup"], metrics.get("expected_parallelism") or 1.0
    raw = metrics.get("raw_speedup", speedup)
    cpus = metrics.get("usable_cpus")
    line = (f"{metrics['serial_s']:.2f} s of work in {metrics['parallel_s']:.2f} s by the clock"
            + (f" on {cpus} usable CPU(s)" if cpus else "") + f": {raw:.2f}x")
    share = metrics.get("task_cpu_share")
    if share is not None and share < BUSY_SHARE and speedup != raw:
        line += (f"; other programs left your tasks {share:.0%} of a CPU, so that counts as "
                 f"{speedup:.2f}x")
    line += f"; efficiency {speedup / possible:.0%} of {possible:g}x {bar(speedup / possible)}"
    if metrics.get("timing_judged") is False:
        return line + f"; time not judged: {metrics.get('timing_note', 'see the message')}"
    if "threshold" in metrics:
        line += f"; needs {metrics['threshold']:.2f}x" + _threshold_reason(metrics, possible)
    return line


def _threshold_reason(metrics: dict, possible: float) -> str:
    reference = metrics.get("reference_speedup")
    if reference is None:
        return ""
    if metrics.get("threshold_basis") == "ideal":
        share = metrics.get("ideal_efficiency")
        part = (f"{share:.0%} of the gain that {possible:g}x would give" if share
                else "the most asked")
        return f": {part} (the kit's own run reached {reference:.2f}x beside yours)"
    share = metrics.get("relative_to_reference")
    part = f"{share:.0%} of" if share else "set by"
    return f": {part} the kit's own run beside yours, {reference:.2f}x on this machine just now"


def race_line(metrics: dict) -> str | None:
    """How many updates or items a race check saw lost, out of how many (counts only)."""
    def count(key: str) -> int | None:
        value = metrics.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    lost, expected = count("lost_updates"), count("expected")
    if lost is not None and expected is not None:
        return f"lost {lost:,} of {expected:,} updates" if lost else f"no update lost of {expected:,}"
    found = [f"{count(key):,} {key.replace('_', ' ')}" for key in ("lost_items", "duplicated_items")
             if count(key) is not None]
    if found:
        return ", ".join(found) + (f" of {expected:,}" if expected is not None else "")
    return None


def _evidence(check: dict) -> list[str]:
    metrics = check["metrics"]
    line = speedup_line(metrics) if check["kind"] == "speedup" else None
    if check["kind"] == "race":
        line = race_line(metrics)
    return _wrap(line, "          ") if line else []


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
    tracks = scorecard.get("tracks") or {}
    if len(tracks) > 1:
        line = (f"Total {total}/{most} ({percent:.0f}%): "
                + ", ".join(f"{name} {t['score']}/{t['max_score']}" for name, t in tracks.items())
                + ". ")
    if scorecard["interrupted"]:
        not_graded = [t["id"] for t in scorecard["topics"] if t["status"] == "not_graded"]
        line = INTERRUPTED.format(not_graded=", ".join(not_graded)) + line
    if write_error:
        return line + SCORECARD_NOT_WRITTEN.format(path=json_path, reason=write_error)
    return line + f"Scorecard written to {json_path}"


def render(scorecard: dict, json_path: str, write_error: str | None = None,
           colour: bool = False) -> str:
    """The end-of-run table: every topic's score, each failed check's message, speedups.

    write_error says why the scorecard could not be written, when it could not; colour adds
    ANSI colours for a terminal.
    """
    def paint(text: str, outcome: str, bold: bool = False) -> str:
        return click.style(text, fg=COLOURS.get(outcome), bold=bold) if colour else text

    lines = []
    not_started = 0
    said: set[str] = set()
    for topic in scorecard["topics"]:
        lines.append(paint(f"{topic['id']:<16} {topic['score']:>3}/{topic['max_score']:<3} "
                           f"{topic['status']:<12}", topic["status"], bold=True) + f" {topic['title']}")
        if topic["status"] == "not_started":
            # Only the first says its first step: it is the topic to do next, and a first run
            # would otherwise print a paragraph for every topic.
            not_started += 1
            if not_started == 1:
                lines.extend(_wrap(topic["message"], "    "))
            continue
        if topic["status"] in NOT_A_RESULT:
            # Said once: every topic an interrupted run never reached has the same message.
            if topic["message"] not in said:
                lines.extend(_wrap(topic["message"], "    "))
                said.add(topic["message"])
            continue
        if topic["status"] == "error" or (topic["status"] == "timeout" and not topic["checks"]):
            lines.extend(_wrap(topic["message"], "    "))
        for check in topic["checks"]:
            mark = paint(f"{MARKS[check['outcome']]:<7}", check["outcome"])
            lines.append(f"  {mark} {check['name']} ({check['kind']}) "
                         f"{check['points']}/{check['max_points']}")
            lines.extend(_evidence(check))
            if check["outcome"] != "passed" and topic["status"] != "error":
                lines.extend(_wrap(check["message"], "          "))
            elif isinstance(check["metrics"].get("note"), str):
                # What a pass here means that it would not mean elsewhere.
                lines.extend(_wrap(f"note: {check['metrics']['note']}", "          "))
            lines.extend(_printed(check))
        for leftover in topic.get("leftovers", []):
            lines.append(f"  cleaned up after the suite: {leftover}")
        if topic["status"] in ("failed", "timeout") and "hint" in topic:
            lines.extend(_wrap(f"hint: {topic['hint']} (More: `grade hint {topic['id']}`.)", "  "))
    lines.append("")
    closing = closing_line(scorecard, json_path, write_error)
    everything = scorecard["score"] == scorecard["max_score"] > 0
    lines.append(paint(closing, "passed" if everything else "failed", bold=True) if colour else closing)
    return "\n".join(lines)


def next_step(upcoming: str | None) -> str:
    """What to do next: the topic to work on (None when every topic passes)."""
    return NEXT_STEP.format(id=upcoming) if upcoming else ALL_DONE
