"""The class gradebook: one row per student from their latest scorecard, with flags to look into.

Flags compare each scorecard with the instructor's own copy of the kit (its grader digest, its
suites and any private ones, its version, its reference solutions, the signing key), so a
scorecard is only as trusted as that copy: run `grade collect` from the kit the class was given.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from grader import __version__
from grader.instructors.scorecard_files import Loaded, generated_time
from grader.instructors.signing import signature_state, signing_key
from grader.reporting.integrity import grader_digest, sha256_of, suite_digests
from grader.topics import SUITES_DIR, topic_ids

KIT_SOLUTIONS = Path(__file__).resolve().parent.parent.parent / "solutions"

# Flag names: the CSV's `flags` column lists those raised, and each has a column of its own
# saying why.
GRADER_EDITED = "grader_edited"
SUITES_EDITED = "suites_edited"
OTHER_KIT_VERSION = "other_kit_version"
FEW_CPUS = "few_cpus"
TIMED_OUT = "timed_out"
SIGNATURE = "signature"
SAME_AS_SOLUTION = "same_as_solution"
PARTIAL_RUN = "partial_run"
NOT_ISOLATED = "not_isolated"
FLAGS = (GRADER_EDITED, SUITES_EDITED, OTHER_KIT_VERSION, FEW_CPUS, TIMED_OUT, SIGNATURE,
         SAME_AS_SOLUTION, PARTIAL_RUN, NOT_ISOLATED)
FLAG_MEANINGS = {
    GRADER_EDITED: "the grader's code differs from this kit's",
    SUITES_EDITED: "graded by a suite that is neither this kit's nor one of the private suites",
    OTHER_KIT_VERSION: "made by another version of the kit",
    FEW_CPUS: "graded on fewer than 2 usable CPUs, or with the usable CPUs set by --cpus",
    TIMED_OUT: "a topic timed out",
    SIGNATURE: "unsigned (while a signing key is set) or tampered with since it was signed",
    SAME_AS_SOLUTION: "a graded file is byte for byte a reference solution",
    PARTIAL_RUN: "not a full run: interrupted, or limited to some checks (--check, -x)",
    NOT_ISOLATED: "with --require-separate-user: the student's code did not run as a separate "
                  "user, or some topics were judged inside the grading process",
}
CPU_OVERRIDE_SOURCES = ("--cpus", "GRADER_USABLE_CPUS")


@dataclass(frozen=True)
class Reference:
    """What the instructor's own copy of the kit says an honest scorecard carries."""

    kit_version: str
    grader_digest: str
    # topic id -> the suite digests accepted for it: the public suite's, and the private one's.
    suite_digests: dict[str, frozenset[str]]
    # topic id -> the SHA-256 of its reference solution.
    solution_digests: dict[str, str]
    signing_key: bytes | None = None
    # Flag cards whose student code did not run as a separate user (--require-separate-user).
    require_separate_user: bool = False
    solutions_dir: Path | None = None
    suites_dir: Path | None = None


def instructor_reference(suites_dir: Path | None = None, solutions_dir: Path | None = None,
                         environ=os.environ) -> Reference:
    """The reference from this installed kit, private suites in suites_dir, reference solutions
    in solutions_dir (default: the kit's solutions/ when it exists) and GRADER_SIGNING_KEY."""
    ids = topic_ids()
    accepted: dict[str, set[str]] = {}
    for folder in filter(None, (SUITES_DIR, suites_dir)):
        for topic_id, digest in suite_digests(folder, ids).items():
            if digest:
                accepted.setdefault(topic_id, set()).add(digest)
    if solutions_dir is None and KIT_SOLUTIONS.is_dir():
        solutions_dir = KIT_SOLUTIONS
    solutions = {}
    if solutions_dir is not None:
        solutions = {topic_id: digest for topic_id in ids
                     if (digest := sha256_of(solutions_dir / f"{topic_id}.py"))}
    return Reference(kit_version=__version__, grader_digest=grader_digest(),
                     suite_digests={k: frozenset(v) for k, v in accepted.items()},
                     solution_digests=solutions, signing_key=signing_key(environ),
                     solutions_dir=solutions_dir, suites_dir=suites_dir)


@dataclass
class Student:
    """One row of the gradebook: a student's latest scorecard and how many they handed in."""

    key: str
    loaded: Loaded
    scorecards: int = 1
    flags: dict[str, str] = field(default_factory=dict)
    signature: str = "unsigned"

    @property
    def card(self) -> dict:
        return self.loaded.card


def student_key(loaded: Loaded) -> str:
    """Who a scorecard belongs to: its student's login, else name, else repository, else the
    scorecard's own path (then each such file is a student of its own)."""
    student = loaded.card.get("student") or {}
    for name in ("login", "name", "repository"):
        value = student.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return str(loaded.path)


def latest_per_student(loaded: list[Loaded]) -> list[Student]:
    """One Student per key, holding the scorecard generated last (on a tie, the one read last),
    in the order students were first met."""
    students: dict[str, Student] = {}
    for item in loaded:
        key = student_key(item)
        known = students.get(key)
        if known is None:
            students[key] = Student(key, item)
            continue
        known.scorecards += 1
        if generated_time(item.card) >= generated_time(known.card):
            known.loaded = item
    return list(students.values())


def card_flags(card: dict, reference: Reference, signature: str) -> dict[str, str]:
    """The flags this scorecard raises against the reference, each with its reason."""
    flags = {}
    integrity = card["integrity"]
    graded = [t["id"] for t in card["topics"] if t["status"] != "not_graded"]
    digest = integrity.get("grader")
    if digest != reference.grader_digest:
        flags[GRADER_EDITED] = "digest differs" if digest else "no grader digest in the scorecard"
    edited = [topic_id for topic_id in graded
              if integrity["suites"].get(topic_id) not in reference.suite_digests.get(topic_id, ())]
    if edited:
        flags[SUITES_EDITED] = ", ".join(edited)
    if card["kit_version"] != reference.kit_version:
        flags[OTHER_KIT_VERSION] = card["kit_version"]
    cpus = cpu_flag(card["environment"])
    if cpus:
        flags[FEW_CPUS] = cpus
    timed_out = [t["id"] for t in card["topics"] if t["status"] == "timeout"]
    if timed_out:
        flags[TIMED_OUT] = ", ".join(timed_out)
    if signature == "tampered" or (signature == "unsigned" and reference.signing_key):
        flags[SIGNATURE] = signature
    copies = [topic_id for topic_id, solution in reference.solution_digests.items()
              if integrity["graded_files"].get(topic_id) == solution]
    if copies:
        flags[SAME_AS_SOLUTION] = ", ".join(copies)
    partial = [why for why, found in (("interrupted", card.get("interrupted")),
                                      ("focused", card.get("focus"))) if found]
    if partial:
        flags[PARTIAL_RUN] = ", ".join(partial)
    if reference.require_separate_user:
        isolated = isolation_flag(integrity)
        if isolated:
            flags[NOT_ISOLATED] = isolated
    return flags


def isolation_flag(integrity: dict) -> str:
    """Why this card's student code was not kept apart from its judge, or "" when it was."""
    reasons = []
    mode = (integrity.get("isolation") or {}).get("mode", "unknown (made before kit layout 1.3)")
    if mode != "separate-user":
        reasons.append(f"isolation {mode}")
    # Cards of layout 1.3 name the topics whose suite still imported the student's module.
    in_grader = integrity.get("in_grader_topics") or []
    if in_grader:
        reasons.append(f"judged inside the grading process: {', '.join(in_grader)}")
    return "; ".join(reasons)


def cpu_flag(environment: dict) -> str:
    """Why the CPUs this card was graded on make its speedups unusual, or "" when they do not."""
    count = environment["usable_cpus"]
    source = environment.get("usable_cpus_source") or "unknown source"
    if source.startswith(CPU_OVERRIDE_SOURCES):
        return f"{count} usable CPU(s) set by {source}"
    if count < 2:
        return f"{count} usable CPU ({source})"
    return ""


def build_gradebook(loaded: list[Loaded], reference: Reference) -> list[Student]:
    """The students, each with the flags and signature state of their latest scorecard."""
    students = latest_per_student(loaded)
    for student in students:
        student.signature = signature_state(student.card, reference.signing_key)
        student.flags = card_flags(student.card, reference, student.signature)
    return students


def topic_columns(students: list[Student]) -> list[str]:
    """The topics any student was graded on: the kit's own in lesson order, then others."""
    seen = {t["id"] for s in students for t in s.card["topics"]}
    known = [topic_id for topic_id in topic_ids() if topic_id in seen]
    return known + sorted(seen - set(known))


IDENTITY_COLUMNS = ("student", "name", "login", "repository", "commit", "generated_at")
TOTAL_COLUMNS = ("total", "max_score", "percent", "flags")
TRAILING_COLUMNS = ("scorecards", "file")


def gradebook_rows(students: list[Student]) -> tuple[list[str], list[list]]:
    """The CSV header and one row per student, sorted by student."""
    topics = topic_columns(students)
    header = [*IDENTITY_COLUMNS, *topics, *TOTAL_COLUMNS, *FLAGS, *TRAILING_COLUMNS]
    rows = []
    for student in sorted(students, key=lambda s: s.key.lower()):
        card = student.card
        identity = card.get("student") or {}
        scores = {t["id"]: t["score"] for t in card["topics"]}
        percent = round(100 * card["score"] / card["max_score"], 1) if card["max_score"] else 0.0
        flag_values = [student.flags.get(name, "") for name in FLAGS]
        flag_values[FLAGS.index(SIGNATURE)] = student.signature
        rows.append([student.key, identity.get("name") or "", identity.get("login") or "",
                     identity.get("repository") or "", identity.get("commit") or "",
                     card["generated_at"], *(scores.get(t, "") for t in topics),
                     card["score"], card["max_score"], percent, " ".join(student.flags),
                     *flag_values, student.scorecards, str(student.loaded.path)])
    return header, rows


def spreadsheet_safe(value):
    """The value, with text that a spreadsheet would run as a formula kept as plain text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def gradebook_csv(students: list[Student]) -> str:
    """The gradebook as CSV text."""
    header, rows = gradebook_rows(students)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return out.getvalue()
