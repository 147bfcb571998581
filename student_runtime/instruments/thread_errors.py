"""The exceptions that end threads of the student's process, noted in a file as they happen.

A callback that raises ends the Pool's result thread, and then the pool waits forever for
results it can no longer deliver: the call hangs, and the grader kills the student's process at
the check's limit. So each exception is written down at once, one JSON line per exception
({"thread": name, "error": its description as the agent gives it}), where the grader can read
it even after that kill. It is the student's process speaking about itself: the grader uses it
to say why a call failed, never to pass one.
"""

from __future__ import annotations

import json
import threading

from student_runtime.agent import describe_error


class ThreadErrors:
    """From its creation until stop(), notes every exception that ends a thread of this process
    in the file at `path` (and still lets it be printed as usual)."""

    def __init__(self, path: str) -> None:
        self.path = str(path)
        self._previous = threading.excepthook
        threading.excepthook = self._note

    def _note(self, args) -> None:
        if args.exc_value is not None:
            thread = args.thread.name if args.thread else ""
            line = json.dumps({"thread": thread, "error": describe_error(args.exc_value)})
            with open(self.path, "a", encoding="utf-8") as file:
                file.write(line + "\n")
        self._previous(args)

    def stop(self) -> None:
        """Stop noting; put back the hook this one replaced, unless another has replaced it."""
        if threading.excepthook == self._note:
            threading.excepthook = self._previous
