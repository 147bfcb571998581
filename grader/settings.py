"""The settings of one grading run, resolved once from the command line, environment and topics."""

from __future__ import annotations

import difflib
import multiprocessing
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from grader import system
from grader.isolation import Isolation
from grader.topics import SUITES_DIR, Topic

KIT_ROOT = Path(__file__).resolve().parent.parent
NAMED_TARGETS = ("exercises", "solutions")
# Grading uses the start method that makes the same code pass or fail everywhere: forkserver and
# spawn both pickle what they send to a child, as macOS, Windows and Python 3.14's Linux do.
PREFERRED_START_METHODS = ("forkserver", "spawn")
# The suite process imports the target package by its folder's name, so that name must not
# hide a module the suite itself needs.
RESERVED_PACKAGE_NAMES = frozenset(sys.stdlib_module_names) | {"grader"}

TARGET_IS_A_FILE = (
    "--target {value} is a file, not a folder. Give `exercises`, `solutions` or the folder that "
    "holds your topic modules."
)
TARGET_HIDES_A_MODULE = (
    "--target {value}: the folder name '{name}' is also the name of a module the grader needs "
    "(Python's own `{name}` or the kit's), and grading it would hide that module; rename the "
    "folder, for example to my_{name}."
)
NO_TOPIC_MODULES = (
    "--target {value}: {folder} holds none of the topic modules ({expected}). Point --target at "
    "a folder laid out like the kit's exercises/, or copy the stubs from there to start."
)


class SettingsError(ValueError):
    """A setting cannot be used; the message says which one and why."""


@dataclass(frozen=True)
class Target:
    """The package of topic modules being graded, imported by its folder's name."""

    label: str
    package: str
    package_dir: Path


def resolve_target(value: str, cwd: Path | None = None) -> Target:
    """`exercises` or `solutions` (the kit's own, or the ones in the current folder) or a path."""
    cwd = cwd or Path.cwd()
    if value in NAMED_TARGETS:
        local = cwd / value
        directory = local if local.is_dir() else KIT_ROOT / value
    else:
        directory = Path(value).expanduser()
    directory = directory.resolve()
    if directory.is_file():
        raise SettingsError(TARGET_IS_A_FILE.format(value=value))
    if not directory.is_dir():
        raise SettingsError(f"--target {value}: no such folder ({directory}). Give `exercises`, "
                            "`solutions` or the path of a folder of topic modules.")
    if not directory.name.isidentifier():
        raise SettingsError(f"--target {value}: the folder name '{directory.name}' cannot be "
                            "imported as a package; rename it to a valid Python name.")
    if directory.name in RESERVED_PACKAGE_NAMES:
        raise SettingsError(TARGET_HIDES_A_MODULE.format(value=value, name=directory.name))
    return Target(label=value, package=directory.name, package_dir=directory)


def require_topic_modules(target: Target, topics: tuple[Topic, ...]) -> None:
    """Refuse a target folder that holds none of these topics' modules: it is the wrong folder."""
    if not any(topic.module_file(target.package_dir).is_file() for topic in topics):
        expected = ", ".join(topic.module_file(target.package_dir).name for topic in topics)
        raise SettingsError(NO_TOPIC_MODULES.format(value=target.label, folder=target.package_dir,
                                                    expected=expected))


def resolve_start_method(requested: str | None) -> str:
    """The requested start method if this platform offers it; else forkserver, else spawn.

    fork is used only when asked for: under fork a child inherits everything, so code that
    cannot work on macOS or Windows (a lambda as a target, say) would pass.
    """
    available = multiprocessing.get_all_start_methods()
    if requested is None:
        return next(m for m in PREFERRED_START_METHODS if m in available)
    if requested not in available:
        raise SettingsError(f"--start-method {requested} is not available on this platform; "
                            f"it offers {', '.join(available)}.")
    return requested


def resolve_cpus(override: int | None) -> system.CpuCount:
    """The usable CPUs as counted here, unless an override asks to emulate a smaller machine."""
    counted = system.usable_cpus()
    if override is None:
        return counted
    return system.CpuCount(override, f"--cpus / GRADER_USABLE_CPUS (counted {counted.count} "
                                     f"from {counted.source})")


@dataclass(frozen=True)
class Settings:
    """Everything one `grade` run uses, fixed before the first topic starts."""

    topics: tuple[Topic, ...]
    target: Target
    json_path: Path
    start_method: str
    cpus: system.CpuCount
    # None: every check keeps its own time limit, set in its suite.
    check_timeout_s: float | None = None
    deadline_s: float | None = None
    fail_under: float | None = None
    # Show, and keep in the scorecard, what the student's code printed during each check.
    verbose: bool = False
    # The folder of suites to grade with: the kit's public ones, or an instructor's (--suites).
    suites_dir: Path = SUITES_DIR
    # Given with --student; else the identity comes from the CI environment or git.
    student: str | None = None
    # Focus: the checks to run per topic id (a topic not listed runs every check), and whether
    # to stop at the first check that does not pass.
    selected_checks: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exitfirst: bool = False
    # Who the student's code runs as (decided once, before the first topic); None: not decided.
    isolation: Isolation | None = None

    def checks_for(self, topic: Topic) -> tuple[str, ...]:
        """The checks of this topic to run; empty for all of them."""
        return dict(self.selected_checks).get(topic.id, ())

    @property
    def suites_source(self) -> str:
        """public (the suites shipped with the kit) or private (an instructor's --suites)."""
        return "public" if self.suites_dir.resolve() == SUITES_DIR.resolve() else "private"

    def suite_path(self, topic: Topic) -> Path:
        """The suite file that grades this topic in this run: the private folder's, else the
        kit's own (a private folder holds only the suites the instructor keeps)."""
        return suite_in(self.suites_dir, topic.id)

    @property
    def python_cpu_count(self) -> int | None:
        """The CPU count to give the suites as PYTHON_CPU_COUNT, or None when all are usable.

        Python 3.13 and later read it, so that a student's Pool() with no size starts as many
        workers as the grader counted CPUs, not as many as the machine reports.
        """
        return self.cpus.count if self.cpus.count < (os.cpu_count() or 1) else None

    def deadline_for(self, topic: Topic) -> float:
        """The hard limit on one topic's whole suite: the override, or the topic's own."""
        return self.deadline_s if self.deadline_s is not None else topic.deadline_s

    def summary(self) -> str:
        """Two short lines shown before grading: what is graded, and the limits in force."""
        suites = ("the public suites" if self.suites_source == "public"
                  else f"the private suites in {self.suites_dir} (the kit's own for the others)")
        limits = [f"Start method {self.start_method}",
                  f"{self.cpus.count} usable CPU(s) ({self.cpus.source})",
                  f"{self.check_timeout_s:g} s per check" if self.check_timeout_s
                  else "each check's own time limit"]
        if self.deadline_s:
            limits.append(f"{self.deadline_s:g} s per topic")
        return (f"Grading {self.target.label} ({self.target.package_dir}) with {suites}.\n"
                f"{', '.join(limits)}.")


def suite_in(suites_dir: Path, topic_id: str) -> Path:
    """The suite of a topic in this folder, else the kit's public one."""
    own = suites_dir / f"test_{topic_id}.py"
    return own if own.is_file() else SUITES_DIR / f"test_{topic_id}.py"


def resolve_suites(value: str | None, topics: tuple[Topic, ...]) -> Path:
    """The suites folder: the kit's own, or an instructor's holding the suites of some topics
    (the others are graded by the kit's own)."""
    if value is None:
        return SUITES_DIR
    directory = Path(value).expanduser().resolve()
    if not directory.is_dir():
        raise SettingsError(f"--suites {value}: no such folder ({directory}). Give the folder "
                            "that holds test_<topic>.py files, laid out like grader/suites/.")
    if not any((directory / f"test_{topic.id}.py").is_file() for topic in topics):
        raise SettingsError(f"--suites {value}: no suite of {', '.join(t.id for t in topics)} "
                            "there (test_<topic>.py). A private suites folder holds the suites "
                            "you keep; the kit's own grade the other topics.")
    return directory


def check_names(suite_path: Path) -> list[str]:
    """The names of a suite's checks, in suite order (its `def test_<name>(` functions)."""
    return re.findall(r"^def test_(\w+)\(", suite_path.read_text(encoding="utf-8"), re.MULTILINE)


def resolve_selection(topic_checks: dict[str, list[str]], suites_dir: Path) -> tuple:
    """Validate the checks asked for, per topic id, against each suite's own checks."""
    selection = []
    for topic_id, names in topic_checks.items():
        known = check_names(suite_in(suites_dir, topic_id))
        for name in names:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                suggestion = f" (did you mean {close[0]}?)" if close else ""
                raise SettingsError(f"{topic_id} has no check {name}{suggestion}. Its checks: "
                                    f"{', '.join(known)}.")
        selection.append((topic_id, tuple(n for n in known if n in names)))
    return tuple(selection)
