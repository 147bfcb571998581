"""The files an LMS imports: Canvas's Gradebook import layout and Moodle's CSV grade import,
numbers only and one row per student of the roster, with every flag in a file of its own."""

from __future__ import annotations

import csv
import io

import pytest

from grader.instructors import lms
from grader.instructors.gradebook import build_gradebook
from grader.instructors.lms import RosterError, read_roster
from tests.test_gradebook import (COURSE_OPTION, POLICY, card, loaded, of_this_kit, reference,
                                  run_collect, with_scores, write)

# The columns Canvas's Gradebook import reads before the assignments, in its order.
CANVAS_DOCUMENTED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
TOPICS = ["process_basics", "pool_map", "shared_values"]


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def class_of_three(tmp_path):
    roster = write(tmp_path, "roster.csv", "login,lms_id,name,section\n"
                   "alice,1001,Alice Liddell,A\nbob,bob@school.example,,B\ncarol,1003,,A\n")
    alice = with_scores(card("alice"), pool_map=10)
    stranger = card("mallory")
    students = build_gradebook(loaded(alice, card("bob"), stranger), reference(), POLICY)
    return students, read_roster(roster)


def test_canvas_gets_its_documented_columns_a_points_row_and_numbers(class_of_three):
    students, roster = class_of_three
    rows = rows_of(lms.canvas_csv(students, roster, POLICY))
    assert rows[0] == CANVAS_DOCUMENTED + TOPICS
    assert rows[1] == ["Points Possible", "", "", "", "", "10", "10", "10"]
    assert rows[2:] == [["Alice Liddell", "1001", "", "", "A", "10", "10", "0"],
                        ["bob", "bob@school.example", "", "", "B", "10", "6", "0"],
                        ["carol", "1003", "", "", "A", "0", "0", "0"]]


def test_moodle_gets_one_identifier_and_numeric_columns(class_of_three):
    students, roster = class_of_three
    rows = rows_of(lms.moodle_csv(students, roster, POLICY))
    assert rows[0] == ["lms_id", *TOPICS, "total"]
    assert rows[1:] == [["1001", "10", "10", "0", "20"], ["bob@school.example", "10", "6", "0", "16"],
                        ["1003", "0", "0", "0", "0"]]
    assert all(cell.isdigit() for row in rows[1:] for cell in row[1:])


def test_flags_go_to_a_file_of_their_own(class_of_three):
    students, roster = class_of_three
    rows = rows_of(lms.flags_csv(students, roster))
    assert rows[0] == ["student", "lms_id", "flag", "reason"]
    found = {(row[0], row[2]) for row in rows[1:]}
    assert ("mallory", "not_in_roster") in found and ("carol", "no_scorecard") in found
    assert ("alice", "partial_run") not in found


@pytest.mark.parametrize("text, words", [
    ("login,name\nalice,A\n", "no lms_id column"),
    ("login,lms_id\nalice,\n", "line 2: login and lms_id must both be given"),
    ("login,lms_id\nalice,1\nAlice,2\n", "line 3: Alice is listed twice"),
])
def test_a_roster_it_cannot_use_says_why(tmp_path, text, words):
    with pytest.raises(RosterError, match=words):
        read_roster(write(tmp_path, "roster.csv", text))


def test_collect_with_a_roster_writes_the_lms_files_beside_the_gradebook(tmp_path):
    write(tmp_path, "cards/alice.json", of_this_kit(card("alice")))
    roster = write(tmp_path, "roster.csv", "login,lms_id\nalice,1001\n")
    result = run_collect(tmp_path / "cards", "--csv", tmp_path / "out" / "book.csv",
                         "--html", tmp_path / "out" / "class.html", "--roster", roster,
                         *COURSE_OPTION)
    assert result.exit_code == 0, result.output
    for suffix in ("canvas", "moodle", "flags"):
        assert (tmp_path / "out" / f"book-{suffix}.csv").is_file()
    assert rows_of((tmp_path / "out" / "book-moodle.csv").read_text())[1] == [
        "1001", "10", "6", "0", "16"]
    bad = run_collect(tmp_path / "cards", "--roster", write(tmp_path, "bad.csv", "x\n1\n"))
    assert bad.exit_code == 2 and "no login, lms_id column" in bad.output
