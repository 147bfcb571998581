"""What a call into the student's process can end in, other than an answer.

The student's exceptions never cross as objects: each arrives as a description (its class
names, message and frames) and is raised or returned here as a StudentException.
"""

from __future__ import annotations


class StudentException(Exception):
    """An exception of the student's process, described as plain data.

    `types` are the qualified names of its class and bases ("builtins.ValueError"), `frames`
    the (file, line, function) it passed, deepest last.
    """

    def __init__(self, fields: dict) -> None:
        self.types: list[str] = list(fields.get("types") or ["builtins.Exception"])
        self.message: str = str(fields.get("message", ""))
        self.frames: list = list(fields.get("frames") or [])
        self.fields: dict = dict(fields.get("fields") or {})
        super().__init__(self.message)

    @property
    def type_name(self) -> str:
        """The short name of the exception's class, such as 'ValueError'."""
        return self.types[0].rpartition(".")[2]

    def is_a(self, kind) -> bool:
        """Whether it is an instance of kind: a class, a Remote class, a qualified name
        ("multiprocessing.context.TimeoutError"), or a short one ("TimeoutError", which any
        class of that name matches)."""
        names = _type_names(kind)
        return any(t in names or f"*.{t.rpartition('.')[2]}" in names for t in self.types)

    def __repr__(self) -> str:
        return f"{self.type_name}({self.message!r})"


def _type_names(kind) -> set[str]:
    """Qualified names kind stands for; "*.Name" for a short name that any module's class matches."""
    if isinstance(kind, tuple):
        return set().union(*(_type_names(k) for k in kind))
    fields = getattr(kind, "_fields", None)
    if isinstance(fields, dict):  # a class of the student's, held as a handle
        return set(fields.get("class_types", [])[:1])
    if isinstance(kind, type):
        return {f"{kind.__module__}.{kind.__qualname__}"}
    kind = str(kind)
    return {kind if "." in kind else f"*.{kind}"}


def is_a(value, kind) -> bool:
    """isinstance() for answers: real objects, and exceptions from the student's process."""
    if isinstance(value, StudentException):
        return value.is_a(kind)
    return isinstance(kind, type) and isinstance(value, kind)


class StudentRaised(StudentException):
    """The student's call raised this exception (described, not the object itself)."""


# What the student's processes were doing in a call stopped before its deadline, when nothing
# came of them (`grader.running.stall_watch.Stall.kind`).
ALL_IDLE, CALLER_SPINNING, WORKERS_SILENT = "all idle", "caller spinning", "workers silent"


class CallTimedOut(Exception):
    """A call did not return before the check's deadline; the student's processes were killed.

    `stack` holds the main thread's frames as (file, line, function), deepest last, when the
    agent could still say where it waited. `stall` is set when the call was stopped before the
    deadline because nothing came of the student's processes
    (`grader.running.stall_watch.Stall`).
    """

    def __init__(self, timeout_s: float, stack: list, stall=None) -> None:
        super().__init__(f"pytest-timeout: the call did not return within {timeout_s:g} s")
        self.timeout_s = timeout_s
        self.stack = stack
        self.stall = stall


class StudentProcessDied(Exception):
    """The student's process ended during a call (os._exit, a signal, a crash)."""

    def __init__(self, returncode: int | None) -> None:
        self.returncode = returncode
        super().__init__(f"the student's process ended (exit code {returncode})")


class OutputFlood(Exception):
    """The student's processes printed more than the grader keeps; they were stopped."""

    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes
        super().__init__(f"more than {limit_bytes // (1024 * 1024)} MiB of output")


def exceptions_in(value):
    """An answer with the exception descriptions inside it made StudentException objects."""
    if isinstance(value, list):
        return [exceptions_in(v) for v in value]
    if isinstance(value, tuple):
        return tuple(exceptions_in(v) for v in value)
    if isinstance(value, dict):
        if len(value) == 1 and "$exc" in value and isinstance(value["$exc"], dict):
            return StudentException(value["$exc"])
        return {k: exceptions_in(v) for k, v in value.items()}
    return value


# What ends a check whatever the suite does: a hang, a crash, a flood of output. The student's
# processes are gone by then, so nothing more is asked of them.
STUDENT_STOPPED = (CallTimedOut, StudentProcessDied, OutputFlood)
