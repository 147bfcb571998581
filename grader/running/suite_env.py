"""What the runner tells a suite process, passed in environment variables and read back once."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

PREFIX = "GRADER_SUITE_"


@dataclass(frozen=True)
class SuiteEnv:
    """Everything a suite process needs to know about the run it is part of."""

    topic: str
    package: str
    package_dir: str
    start_method: str
    usable_cpus: int
    cpus_source: str
    # 0 when every check keeps its own time limit.
    check_timeout_override_s: float
    events_path: str
    watchdog_path: str
    # The folder the student's processes may write to, and the user they run as ("": ours).
    scratch_dir: str
    student_user: str
    # 0 when Python's own CPU count is not overridden (--cpus).
    python_cpu_count: int

    def to_environ(self) -> dict[str, str]:
        """These settings as environment variables for the suite process."""
        return {PREFIX + key.upper(): str(value) for key, value in asdict(self).items()}

    @classmethod
    def from_environ(cls, environ=os.environ) -> SuiteEnv | None:
        """Read the settings back; None when this process was not started by the runner."""
        if PREFIX + "TOPIC" not in environ:
            return None
        values = {}
        for name, kind in cls.__annotations__.items():
            raw = environ[PREFIX + name.upper()]
            values[name] = {"int": int, "float": float}.get(kind, str)(raw)
        return cls(**values)
