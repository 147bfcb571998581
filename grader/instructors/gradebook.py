"""The class gradebook: one row per student, their scorecards merged topic by topic (merge.py),
with flags to look into.

Flags compare each scorecard with the instructor's own copy of the kit (its grader digest, its
suites and any private ones, its version, its reference solutions, the signing key), so a
scorecard is only as trusted as that copy: run `grade collect` from the kit the class was given.
A scorecard that raises a flag of UNTRUSTED is shown, and never counted.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from grader import __version__
from grader.instructors.merge import Pick, Policy, merge
from grader.instructors.scorecard_files import Loaded, generated_time
from grader.instructors.signing import signature_state, signing_key
from grader.reporting.integrity import grader_digest, sha256_of, suite_digests
from grader.reporting.scorecard import NOT_A_RESULT
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
NOT_COUNTED = "not_counted"
FLAGS = (GRADER_EDITED, SUITES_EDITED, OTHER_KIT_VERSION, FEW_CPUS, TIMED_OUT, SIGNATURE,
         SAME_AS_SOLUTION, PARTIAL_RUN, NOT_ISOLATED, NOT_COUNTED)
# A scorecard raising one of these cannot be trusted: it is shown, never counted. The others
# are worth a look but leave the scores as they are (a timeout is a result like any other).
UNTRUSTED = (GRADER_EDITED, SUITES_EDITED, SIGNATURE, SAME_AS_SOLUTION, NOT_ISOLATED)
FLAG_MEANINGS = {
    GRADER_EDITED: "the grader's code differs from this kit's",
    SUITES_EDITED: "graded by a suite that is neither this kit's nor one of the private suites",
    OTHER_KIT_VERSION: "made by another version of the kit",
    FEW_CPUS: "graded on fewer than 2 usable CPUs, or with the usable CPUs set by --cpus",
    TIMED_OUT: "a topic timed out",
    SIGNATURE: "unsigned (while a signing key is set) or tampered with since it was signed",
    SAME_AS_SOLUTION: "a graded file is byte for byte a reference solution",
    PARTIAL_RUN: "no counted result for some of the course's topics, or a run cut short "
                 "(interrupted, or limited to some checks with --check or -x)",
    NOT_ISOLATED: "with --require-separate-user: the student's code did not run as a separate "
                  "user, or some topics were judged inside the grading process",
    NOT_COUNTED: "some of the student's scorecards were left out of the scores for a flag that "
                 "makes them untrustworthy",
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
class Card:
    """One of a student's scorecards, with its signature state and the flags it raises."""

    loaded: Loaded
    signature: str = "unsigned"
    flags: dict[str, str] = field(default_factory=dict)

    @property
    def counted(self) -> bool:
        """False when a flag makes the scorecard untrustworthy: it is shown, never counted."""
        return not any(flag in self.flags for flag in UNTRUSTED)


# Which signature state a student's row shows when their scorecards differ: the worst.
SIGNATURE_ORDER = ("tampered", "unsigned", "unchecked", "valid")


@dataclass
class Student:
    """One row of the gradebook: a student's scorecards, the result counted for each topic of
    the course, and the flags to look into."""

    key: str
    cards: list[Card]
    policy: Policy = field(default_factory=Policy)
    picks: dict[str, Pick] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)

    @property
    def scorecards(self) -> int:
        return len(self.cards)

    @property
    def latest(self) -> Card:
        """The scorecard made last (on a tie, the one read last)."""
        return max(reversed(self.cards), key=lambda c: generated_time(c.loaded.card))

    @property
    def signature(self) -> str:
        states = {card.signature for card in self.cards}
        return next((state for state in SIGNATURE_ORDER if state in states), "unsigned")

    def topic_scores(self) -> list[int]:
        """The score counted for each course topic, in order: 0 where none counted, and never
        more than the topic's points in this kit."""
        return [min(self.picks[t.id].topic["score"], t.points) if t.id in self.picks else 0
                for t in self.policy.course]

    @property
    def score(self) -> int:
        return sum(self.topic_scores())

    @property
    def card(self) -> dict:
        """The student's merged results as a scorecard's fields: identity from the latest
        scorecard, a topic entry for every course topic (not_graded where none counted), and
        the total out of the course's maximum."""
        latest = self.latest.loaded.card
        topics = [self.picks[t.id].topic if t.id in self.picks else
                  {"id": t.id, "title": t.title, "score": 0, "max_score": t.points,
                   "status": "not_graded", "checks": []} for t in self.policy.course]
        return {"student": latest.get("student") or {}, "generated_at": latest["generated_at"],
                "topics": topics, "score": self.score, "max_score": self.policy.max_score}


def student_key(loaded: Loaded) -> str:
    """Who a scorecard belongs to: its student's login, else name, else repository, else the
    scorecard's own path (then each such file is a student of its own)."""
    student = loaded.card.get("student") or {}
    for name in ("login", "name", "repository"):
        value = student.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return str(loaded.path)


def cards_per_student(loaded: list[Loaded]) -> dict[str, list[Loaded]]:
    """Each student's scorecards, students in the order first met."""
    found: dict[str, list[Loaded]] = {}
    for item in loaded:
        found.setdefault(student_key(item), []).append(item)
    return found


def card_flags(card: dict, reference: Reference, signature: str) -> dict[str, str]:
    """The flags this scorecard raises against the reference, each with its reason."""
    flags = {}
    integrity = card["integrity"]
    graded = [t["id"] for t in card["topics"] if t["status"] not in NOT_A_RESULT]
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


def build_gradebook(loaded: list[Loaded], reference: Reference,
                    policy: Policy | None = None) -> list[Student]:
    """The students, each with every scorecard's signature state and flags, the result counted
    for each course topic under the policy (default: the best, of the kit's topics), and the
    flags of their row."""
    policy = policy or Policy()
    students = []
    for key, items in cards_per_student(loaded).items():
        cards = []
        for item in items:
            signature = signature_state(item.card, reference.signing_key)
            cards.append(Card(item, signature, card_flags(item.card, reference, signature)))
        picks = merge([(str(c.loaded.path), c.loaded.card) for c in cards if c.counted], policy)
        student = Student(key, cards, policy, picks)
        student.flags = student_flags(student)
        students.append(student)
    return students


def _joined(reasons: list[str]) -> str:
    return "; ".join(dict.fromkeys(reason for reason in reasons if reason))


def student_flags(student: Student) -> dict[str, str]:
    """A row's flags: those of every scorecard that counted for a topic, the untrustworthy ones
    of any scorecard, the course topics without a counted result, and the scorecards left out."""
    supplying = {pick.path for pick in student.picks.values()}
    reasons: dict[str, list[str]] = {}
    left_out = []
    for card in student.cards:
        path = str(card.loaded.path)
        if not card.counted:
            left_out.append(path)
        for flag, reason in card.flags.items():
            if flag in UNTRUSTED:
                reasons.setdefault(flag, []).append(f"{reason} ({path})")
            elif path in supplying and flag not in (TIMED_OUT, PARTIAL_RUN):
                reasons.setdefault(flag, []).append(reason)
    timed_out = [topic_id for topic_id, pick in student.picks.items()
                 if pick.topic["status"] == "timeout"]
    if timed_out:
        reasons[TIMED_OUT] = [", ".join(timed_out)]
    missing = [topic.id for topic in student.policy.course if topic.id not in student.picks]
    if missing:
        reasons[PARTIAL_RUN] = [f"no counted result for {', '.join(missing)}"]
    if left_out:
        reasons[NOT_COUNTED] = [f"{len(left_out)} of {len(student.cards)} scorecard(s): "
                                + ", ".join(left_out)]
    return {flag: _joined(reasons[flag]) for flag in FLAGS if flag in reasons}


def topic_columns(students: list[Student]) -> list[str]:
    """The course's topics, in the order of the lesson."""
    return [topic.id for topic in (students[0].policy if students else Policy()).course]


IDENTITY_COLUMNS = ("student", "name", "login", "repository", "commit", "generated_at")
TOTAL_COLUMNS = ("total", "max_score", "percent", "flags")
TRAILING_COLUMNS = ("scorecards", "counted", "file")


def gradebook_rows(students: list[Student], policy: Policy | None = None
                   ) -> tuple[list[str], list[list]]:
    """The CSV header and one row per student, sorted by student: a column per course topic,
    blank where no scorecard counted for it."""
    course = (policy or (students[0].policy if students else Policy())).course
    header = [*IDENTITY_COLUMNS, *(t.id for t in course), *TOTAL_COLUMNS, *FLAGS,
              *TRAILING_COLUMNS]
    rows = []
    for student in sorted(students, key=lambda s: s.key.lower()):
        card = student.card
        identity = card["student"]
        percent = round(100 * card["score"] / card["max_score"], 1) if card["max_score"] else 0.0
        flag_values = [student.flags.get(name, "") for name in FLAGS]
        flag_values[FLAGS.index(SIGNATURE)] = student.signature
        rows.append([student.key, identity.get("name") or "", identity.get("login") or "",
                     identity.get("repository") or "", identity.get("commit") or "",
                     card["generated_at"],
                     *(student.picks[t.id].topic["score"] if t.id in student.picks else ""
                       for t in course),
                     card["score"], card["max_score"], percent, " ".join(student.flags),
                     *flag_values, student.scorecards, sum(c.counted for c in student.cards),
                     str(student.latest.loaded.path)])
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
