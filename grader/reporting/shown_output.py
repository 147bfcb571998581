"""What a check's captured output may show: the student's own prints, cut short, no suite source.

Output from the student's code, and from the processes it starts, reaches the check through the
file descriptors pytest captures. A traceback in it may quote the hidden suite's source, and a
print in a loop may run to thousands of lines; neither may reach the table or the scorecard.
"""

from __future__ import annotations

from grader.reporting.outcomes import hide_suite_source

# Enough to follow what a check printed, few enough that a print in a loop cannot flood the table.
MAX_CHECK_OUTPUT_LINES = 20
LINES_LEFT_OUT = "[{count} earlier line(s) not shown]"


def last_lines(lines: list[str], limit: int) -> list[str]:
    """At most `limit` lines: the last ones, after a note of how many were left out."""
    if len(lines) <= limit:
        return lines
    kept = lines[len(lines) - limit + 1:]
    return [LINES_LEFT_OUT.format(count=len(lines) - len(kept)), *kept]


def check_output(captured: str, suite_source: str) -> str:
    """What a check captured from one stream, as it may be shown."""
    shown = hide_suite_source(captured.splitlines(), suite_source)
    return "\n".join(last_lines(shown, MAX_CHECK_OUTPUT_LINES))
