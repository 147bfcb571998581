"""Gradebook files that a learning-management system imports as they are, from a class roster.

The roster is a CSV file with a `login` column (the student's login, as the scorecards name
them) and an `lms_id` column (the identifier the LMS knows them by: Canvas's user ID, or for
Moodle an e-mail address, username or ID number), and optionally `name` and `section`.

- Canvas: the layout of its Gradebook import (Student, ID, SIS User ID, SIS Login ID, Section,
  then one column per assignment), with a Points Possible row under the header. Each topic is
  an assignment; `ID` is the roster's lms_id.
- Moodle: its grade import from a CSV file wants one column to map to a user field and one
  numeric column per grade item: `lms_id`, then a column per topic and the total.

Both hold numbers only: a topic without a counted result is 0. Every flag, and every student
who is on one list and not the other, goes to a flags file of its own.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from grader.instructors.gradebook import Student
from grader.instructors.merge import Policy

ROSTER_COLUMNS = ("login", "lms_id")
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"
MOODLE_IDENTITY = "lms_id"
TOTAL = "total"
NOT_IN_ROSTER = "not_in_roster"
NO_SCORECARD = "no_scorecard"


class RosterError(ValueError):
    """The roster cannot be used; the message says why and what it needs."""


@dataclass(frozen=True)
class Enrolled:
    """A student of the roster."""

    login: str
    lms_id: str
    name: str = ""
    section: str = ""


def read_roster(path: Path) -> list[Enrolled]:
    """The roster's students, in its order; RosterError when a column or a value is missing."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RosterError(f"{path} cannot be read ({getattr(error, 'strerror', None) or error})")
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in ROSTER_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise RosterError(f"{path} has no {', '.join(missing)} column: a roster is a CSV file "
                          "with the columns login and lms_id (and name, section if you like).")
    enrolled, seen = [], set()
    for number, row in enumerate(reader, start=2):
        login, lms_id = (row.get("login") or "").strip(), (row.get("lms_id") or "").strip()
        if not login or not lms_id:
            raise RosterError(f"{path}, line {number}: login and lms_id must both be given.")
        if login.lower() in seen:
            raise RosterError(f"{path}, line {number}: {login} is listed twice.")
        seen.add(login.lower())
        enrolled.append(Enrolled(login, lms_id, (row.get("name") or "").strip(),
                                 (row.get("section") or "").strip()))
    return enrolled


def _scores(student: Student | None, policy: Policy) -> list[int]:
    return student.topic_scores() if student is not None else [0] * len(policy.course)


def _by_login(students: list[Student]) -> dict[str, Student]:
    return {student.key.lower(): student for student in students}


def _text(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def canvas_csv(students: list[Student], roster: list[Enrolled], policy: Policy) -> str:
    """The Canvas Gradebook import file: a row per student of the roster."""
    found = _by_login(students)
    rows = [[*CANVAS_IDENTITY, *(t.id for t in policy.course)],
            [CANVAS_POINTS_ROW, "", "", "", "", *(t.points for t in policy.course)]]
    for person in roster:
        rows.append([person.name or person.login, person.lms_id, "", "", person.section,
                     *_scores(found.get(person.login.lower()), policy)])
    return _text(rows)


def moodle_csv(students: list[Student], roster: list[Enrolled], policy: Policy) -> str:
    """The Moodle grade import file: the identifier, a column per topic, the total."""
    found = _by_login(students)
    rows = [[MOODLE_IDENTITY, *(t.id for t in policy.course), TOTAL]]
    for person in roster:
        scores = _scores(found.get(person.login.lower()), policy)
        rows.append([person.lms_id, *scores, sum(scores)])
    return _text(rows)


def flags_csv(students: list[Student], roster: list[Enrolled]) -> str:
    """A row per flag to look into: the student, the LMS identifier, the flag and its reason;
    also the students with scorecards missing from the roster, and those without any."""
    enrolled = {person.login.lower(): person for person in roster}
    found = _by_login(students)
    rows = [["student", MOODLE_IDENTITY, "flag", "reason"]]
    for student in sorted(students, key=lambda s: s.key.lower()):
        person = enrolled.get(student.key.lower())
        lms_id = person.lms_id if person else ""
        if person is None:
            rows.append([student.key, "", NOT_IN_ROSTER,
                         "scorecards name this student, whom the roster does not list: left out "
                         "of the LMS files"])
        rows.extend([student.key, lms_id, flag, reason] for flag, reason in student.flags.items())
    for person in roster:
        if person.login.lower() not in found:
            rows.append([person.login, person.lms_id, NO_SCORECARD,
                         "no scorecard names this student: 0 in every topic"])
    return _text(rows)
