"""The line on stderr that shows grading is alive: which topic, which check, for how long.

On a terminal the line is rewritten in place with the check running and its elapsed time, so a
student sees each check go by, and what is running when something hangs. In a log (CI), a check
that runs for more than a few seconds gets a line every few seconds instead.
"""

from __future__ import annotations

import sys
from typing import TextIO

# In a log, a check is named once it has run this long; quicker ones would only add lines.
SHOW_AFTER_S = 3.0
# In a log, how often a still-running check gets a line of its own.
LOG_EVERY_S = 5.0


class ProgressLine:
    """Progress of one `grade` run, written to a stream (stderr)."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.interactive = getattr(stream, "isatty", lambda: False)()
        self._prefix = ""
        self._line = ""
        self._logged_at = 0.0

    def topic_started(self, number: int, total: int, topic_id: str) -> None:
        """A topic's suite has started."""
        self._prefix = self._line = f"[{number}/{total}] grading {topic_id} ..."
        self._logged_at = 0.0
        self._write(self._line)

    def check_running(self, check: str | None, elapsed_s: float) -> None:
        """Called while a suite runs: the check now running (None between checks) and for how long."""
        if check is None:
            return
        if self.interactive:
            self._replace_line(f"{self._prefix} {check} running for {elapsed_s:.0f} s")
        elif elapsed_s >= SHOW_AFTER_S and elapsed_s - self._logged_at >= LOG_EVERY_S:
            self._logged_at = elapsed_s - elapsed_s % LOG_EVERY_S
            self._write(f"\n    {check} still running after {self._logged_at:.0f} s")

    def topic_finished(self, duration_s: float) -> None:
        """The topic is graded; end its line with the time it took."""
        if self.interactive:
            self._replace_line(f"{self._prefix} {duration_s:.1f} s")
        elif self._logged_at:
            self._write(f"\n    finished after {duration_s:.1f} s")
        else:
            self._write(f" {duration_s:.1f} s")
        self._write("\n")

    def _replace_line(self, line: str) -> None:
        if line == self._line:
            return
        self._write("\r" + line.ljust(len(self._line)))
        self._line = line

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
