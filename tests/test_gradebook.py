"""`grade collect`: scorecards in, a CSV gradebook and an HTML class report out.

Cards are made by hand from the committed sample, brought to the instructor's own kit so that
an honest card raises no flag, then edited one field at a time.
"""

from __future__ import annotations

import copy
import csv
import html
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import __version__
from grader.reporting.scorecard import SCHEMA_VERSION
from grader.instructors import class_report, gradebook
from grader.instructors.collect import collect
from grader.instructors.gradebook import (FEW_CPUS, GRADER_EDITED, NOT_COUNTED,
                                          OTHER_KIT_VERSION, PARTIAL_RUN, SAME_AS_SOLUTION,
                                          SIGNATURE, SUITES_EDITED, TIMED_OUT, Reference,
                                          build_gradebook, card_flags, gradebook_csv,
                                          gradebook_rows, instructor_reference)
from grader.instructors.merge import Policy, parse_time
from grader.instructors.scorecard_files import Loaded, NotAScorecard, load_all, parse_scorecard
from grader.instructors.signing import sign, signature_state
from grader.topics import get_topic, topic_ids, topics_of_track, unknown_track_message

KIT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE = json.loads((KIT_ROOT / "docs" / "sample_scorecard.json").read_text())
KEY = b"instructor's key"
PUBLIC = {"process_basics": "a" * 64, "pool_map": "b" * 64, "shared_values": "c" * 64}
PRIVATE_POOL_MAP = "d" * 64
SOLUTION_POOL_MAP = "e" * 64
STUDENT_FILE = "f" * 64
# The sample's three topics, as a course of its own: its total is out of 30.
POLICY = Policy(topics=tuple(get_topic(t) for t in ("process_basics", "pool_map", "shared_values")))
COURSE_OPTION = ("--topics", "process_basics,pool_map,shared_values")


def reference(key: bytes | None = None) -> Reference:
    return Reference(kit_version=__version__, grader_digest="9" * 64,
                     suite_digests={t: frozenset({d}) for t, d in PUBLIC.items()}
                     | {"pool_map": frozenset({PUBLIC["pool_map"], PRIVATE_POOL_MAP})},
                     solution_digests={"pool_map": SOLUTION_POOL_MAP}, signing_key=key)


def card(login: str | None = "alice", generated_at: str = "2026-11-25T20:05:25+00:00",
         **edits) -> dict:
    """The sample scorecard as an honest card of the reference's kit."""
    made = copy.deepcopy(SAMPLE)
    made.update(schema_version=SCHEMA_VERSION, kit_version=__version__, generated_at=generated_at,
                student={"name": None, "login": login, "repository": None, "commit": "abc123",
                         "source": "environment"})
    made["integrity"] = {"suites": dict(PUBLIC),
                         "graded_files": {t: STUDENT_FILE for t in PUBLIC},
                         "grader": "9" * 64, "suites_source": "public", "suites_dir": "suites",
                         "isolation": {"mode": "separate-user", "user": "grade-student", "note": ""}}
    made.update(edits)
    return made


def topic(made: dict, topic_id: str) -> dict:
    return next(t for t in made["topics"] if t["id"] == topic_id)


def flags_of(made: dict, key: bytes | None = None) -> dict:
    return card_flags(made, reference(key), signature_state(made, key))


def write(folder: Path, name: str, content) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
    return path


# --- flags ---------------------------------------------------------------------------------

def test_an_honest_card_raises_no_flag():
    assert flags_of(card()) == {}


def edited(change) -> dict:
    made = card()
    change(made)
    return made


@pytest.mark.parametrize("change, flag, reason", [
    (lambda c: c["integrity"].update(grader="8" * 64), GRADER_EDITED, "digest differs"),
    (lambda c: c["integrity"].pop("grader"), GRADER_EDITED, "no grader digest in the scorecard"),
    (lambda c: c["integrity"]["suites"].update(pool_map="0" * 64), SUITES_EDITED, "pool_map"),
    (lambda c: c["integrity"]["suites"].update(shared_values=None), SUITES_EDITED, "shared_values"),
    (lambda c: c.update(kit_version="0.0.9"), OTHER_KIT_VERSION, "0.0.9"),
    (lambda c: c["environment"].update(usable_cpus=1), FEW_CPUS, "1 usable CPU (CPU affinity)"),
    (lambda c: c["environment"].update(usable_cpus=4, usable_cpus_source="--cpus"), FEW_CPUS,
     "4 usable CPU(s) set by --cpus"),
    (lambda c: c["environment"].update(
        usable_cpus=2, usable_cpus_source="GRADER_USABLE_CPUS (counted 8 from CPU affinity)"),
     FEW_CPUS, "2 usable CPU(s) set by GRADER_USABLE_CPUS (counted 8 from CPU affinity)"),
    (lambda c: topic(c, "shared_values").update(status="timeout"), TIMED_OUT, "shared_values"),
    (lambda c: c["integrity"]["graded_files"].update(pool_map=SOLUTION_POOL_MAP), SAME_AS_SOLUTION,
     "pool_map"),
    (lambda c: c.update(interrupted=True), PARTIAL_RUN, "interrupted"),
    (lambda c: c.update(focus={"checks": {"pool_map": ["speedup"]}, "exitfirst": False}),
     PARTIAL_RUN, "focused"),
])
def test_each_flag_is_raised_alone_with_its_reason(change, flag, reason):
    assert flags_of(edited(change)) == {flag: reason}


@pytest.mark.parametrize("change", [
    lambda c: c["integrity"]["suites"].update(pool_map=PRIVATE_POOL_MAP),
    lambda c: c["environment"].update(usable_cpus=2,
                                      usable_cpus_source="container CPU quota (2 CPUs)"),
    lambda c: c["environment"].update(usable_cpus=16, usable_cpus_source="os.cpu_count()"),
    # A topic an interrupted run never graded has no suite to answer for.
    lambda c: (topic(c, "shared_values").update(status="not_graded", checks=[]),
               c["integrity"]["suites"].pop("shared_values")),
])
def test_what_raises_no_flag(change):
    assert flags_of(edited(change)) == {}


def test_signatures_with_the_key():
    signed = sign(card(), KEY)
    assert signature_state(signed, KEY) == "valid" and flags_of(signed, KEY) == {}
    tampered = copy.deepcopy(signed)
    topic(tampered, "shared_values")["score"] = 10
    assert flags_of(tampered, KEY) == {SIGNATURE: "tampered"}
    assert flags_of(card(), KEY) == {SIGNATURE: "unsigned"}
    forged = card(signature={"algorithm": "HMAC-SHA256", "value": "é" * 64})
    assert flags_of(forged, KEY) == {SIGNATURE: "tampered"}


def test_signatures_without_a_key_are_shown_but_not_flagged():
    assert signature_state(card(), None) == "unsigned" and flags_of(card()) == {}
    signed = sign(card(), KEY)
    assert signature_state(signed, None) == "unchecked" and flags_of(signed) == {}


def test_the_instructor_reference_reads_private_suites_solutions_and_key(tmp_path):
    suites = write(tmp_path, "suites/test_pool_map.py", "def test_x(): pass\n").parent
    solutions = write(tmp_path, "solutions/pool_map.py", "VALUE = 1\n").parent
    ref = instructor_reference(suites, solutions, environ={"GRADER_SIGNING_KEY": "k"})
    private = gradebook.sha256_of(suites / "test_pool_map.py")
    public = gradebook.sha256_of(gradebook.SUITES_DIR / "test_pool_map.py")
    assert ref.suite_digests["pool_map"] == {private, public}
    assert ref.solution_digests == {"pool_map": gradebook.sha256_of(solutions / "pool_map.py")}
    assert ref.signing_key == b"k" and ref.kit_version == __version__
    assert ref.grader_digest == gradebook.grader_digest()
    kit_default = instructor_reference(environ={})
    assert kit_default.signing_key is None
    assert kit_default.solutions_dir == gradebook.KIT_SOLUTIONS
    assert "pool_map" in kit_default.solution_digests


# --- bad input -----------------------------------------------------------------------------

SAMPLE_TEXT = json.dumps(card(), indent=2)


@pytest.mark.parametrize("text, reason", [
    ("", "empty file"),
    (SAMPLE_TEXT[:300], "truncated"),
    (SAMPLE_TEXT[:-1], "truncated"),
    ('{"score": 3,, "topics": []}', "not valid JSON: Expecting property name"),
    ("[1, 2]", "holds a JSON array, not a scorecard"),
    ('{"score": 7, "max_score": 10, "tests": []}', "not a scorecard: it has no schema_version"),
    (json.dumps(card(schema_version="2.0")), "scorecard layout '2.0'"),
    (json.dumps(card(score="16")), "score should be an integer, not string"),
    (json.dumps(card(max_score=True)), "max_score should be an integer, not true/false"),
    (json.dumps(card(generated_at="yesterday")), "generated_at 'yesterday' is not an ISO 8601"),
    (json.dumps(card(topics=[{"score": 1}])), "topics[1].id is missing"),
    (json.dumps(card(student="alice")), "student should be an object, not string"),
    (json.dumps(card(integrity={"suites": {"x": 1}, "graded_files": {}})),
     "integrity.suites.x should be a SHA-256 or null, not number"),
])
def test_bad_input_gets_a_one_line_reason(text, reason):
    with pytest.raises(NotAScorecard) as raised:
        parse_scorecard(text)
    assert reason in str(raised.value)
    assert "\n" not in str(raised.value)


def test_bad_files_are_skipped_and_nothing_else_is_lost(tmp_path):
    write(tmp_path, "a/alice.json", card("alice"))
    write(tmp_path, "a/deep/bob.json", card("bob"))
    write(tmp_path, "a/broken.json", SAMPLE_TEXT[:500])
    write(tmp_path, "a/binary.json", b"\xff\xfe\x00")
    write(tmp_path, "a/notes.txt", "not looked at: not .json")
    loaded, skipped = load_all([tmp_path / "a", tmp_path / "a/alice.json"])
    assert [item.path.name for item in loaded] == ["alice.json", "bob.json"]
    reasons = {item.path.name: item.reason for item in skipped}
    assert reasons["binary.json"] == "not UTF-8 text (byte 0 is not), so not a JSON scorecard"
    assert reasons["broken.json"].startswith("truncated: the JSON stops at line")
    assert len(reasons) == 2


# --- several scorecards per student, rows and columns -----------------------------------------

def loaded(*cards) -> list[Loaded]:
    return [Loaded(Path(f"cards/{n}.json"), c) for n, c in enumerate(cards)]


def scores_of(*cards, policy=POLICY, key=None) -> dict:
    students = build_gradebook(loaded(*cards), reference(key), policy)
    return {s.key: ({t["id"]: t["score"] for t in s.card["topics"]}, s.card["score"],
                    s.card["max_score"]) for s in students}


def with_scores(made: dict, **scores) -> dict:
    for topic_id, score in scores.items():
        topic(made, topic_id).update(score=score, status="passed" if score == 10 else "failed")
    return made


def test_a_one_topic_regrade_keeps_the_other_topics():
    full = card("alice", "2026-11-20T10:00:00+00:00")
    regrade = with_scores(card("alice", "2026-11-21T10:00:00+00:00"), shared_values=10)
    regrade["topics"] = [topic(regrade, "shared_values")]
    assert scores_of(full, regrade) == {"alice": (
        {"process_basics": 10, "pool_map": 6, "shared_values": 10}, 26, 30)}


def test_best_or_latest_per_topic_whatever_the_order():
    earlier = with_scores(card("alice", "2026-11-20T10:00:00+00:00"), pool_map=9)
    later = with_scores(card("alice", "2026-11-21T10:00:00+01:00"), pool_map=4)
    assert scores_of(later, earlier)["alice"][0]["pool_map"] == 9
    latest = Policy("latest", topics=POLICY.topics)
    assert scores_of(later, earlier, policy=latest)["alice"][0]["pool_map"] == 4


def test_the_deadline_goes_by_the_graded_commit_when_the_card_names_it():
    before = with_scores(card("alice", "2026-11-20T10:00:00+00:00"), pool_map=5)
    late_run = with_scores(card("alice", "2026-12-01T10:00:00+00:00"), pool_map=10)
    late_run["student"]["committed_at"] = "2026-11-24T10:00:00+00:00"
    too_late = with_scores(card("alice", "2026-12-02T10:00:00+00:00"), process_basics=0,
                           pool_map=0)
    policy = Policy("latest", parse_time("2026-11-25T00:00+00:00"), POLICY.topics)
    assert scores_of(before, late_run, too_late, policy=policy)["alice"][0] == {
        "process_basics": 10, "pool_map": 10, "shared_values": 0}


def test_an_untrustworthy_card_is_shown_never_counted():
    honest = card("alice", "2026-11-20T10:00:00+00:00")
    edited_grader = with_scores(card("alice", "2026-11-21T10:00:00+00:00"), shared_values=10,
                                pool_map=10)
    edited_grader["integrity"]["grader"] = "8" * 64
    (alice,) = build_gradebook(loaded(honest, edited_grader), reference(), POLICY)
    assert alice.card["score"] == 16 and alice.scorecards == 2
    assert set(alice.flags) == {GRADER_EDITED, NOT_COUNTED}
    assert alice.flags[NOT_COUNTED] == "1 of 2 scorecard(s): cards/1.json"
    assert alice.flags[GRADER_EDITED] == "digest differs (cards/1.json)"


def test_a_timeout_is_a_result_and_a_topic_without_one_is_partial():
    timed_out = card("bob")
    topic(timed_out, "shared_values")["status"] = "timeout"
    timed_out["topics"] = [topic(timed_out, "pool_map"), topic(timed_out, "shared_values")]
    (bob,) = build_gradebook(loaded(timed_out), reference(), POLICY)
    assert bob.card["score"] == 6 and bob.card["max_score"] == 30
    assert bob.flags == {TIMED_OUT: "shared_values",
                         PARTIAL_RUN: "no counted result for process_basics"}


def test_the_total_is_out_of_the_courses_topics():
    (alice,) = build_gradebook(loaded(card("alice")), reference(), Policy())
    assert alice.card["max_score"] == sum(t.points for t in Policy().course)
    pool_map_only = Policy(topics=(get_topic("pool_map"),))
    assert scores_of(card("alice"), policy=pool_map_only)["alice"] == ({"pool_map": 6}, 6, 10)


def test_students_are_told_apart_by_login_then_name_then_repository_then_file():
    by_name = card(None)
    by_name["student"]["name"] = "Carol Diaz"
    by_repo = card(None)
    by_repo["student"]["repository"] = "class/dave-kit"
    anonymous = card(None)
    del anonymous["student"]  # a schema 1.1 card
    keys = [s.key for s in build_gradebook(loaded(by_name, by_repo, anonymous, card(None)),
                                           reference(), POLICY)]
    assert keys == ["Carol Diaz", "class/dave-kit", "cards/2.json", "cards/3.json"]


def test_csv_columns_and_rows():
    late = card("bob")
    topic(late, "shared_values")["status"] = "timeout"
    students = build_gradebook(loaded(card("alice"), late), reference(), POLICY)
    header, rows = gradebook_rows(students)
    assert header == ["student", "name", "login", "repository", "commit", "generated_at",
                      "process_basics", "pool_map", "shared_values", "total", "max_score",
                      "percent", "flags", "grader_edited", "suites_edited", "other_kit_version",
                      "few_cpus", "timed_out", "signature", "same_as_solution", "partial_run",
                      "not_isolated", "not_counted", "scorecards", "counted", "file"]
    table = [dict(zip(header, row)) for row in rows]
    assert [r["student"] for r in table] == ["alice", "bob"]
    assert {k: table[0][k] for k in ("process_basics", "pool_map", "shared_values", "total",
                                     "max_score", "percent", "flags", "signature", "commit")} == {
        "process_basics": 10, "pool_map": 6, "shared_values": 0, "total": 16, "max_score": 30,
        "percent": 53.3, "flags": "", "signature": "unsigned", "commit": "abc123"}
    assert (table[1]["flags"], table[1]["timed_out"]) == ("timed_out", "shared_values")


def test_csv_text_keeps_formulas_from_running():
    sneaky = card("=HYPERLINK(\"x\")")
    text = gradebook_csv(build_gradebook(loaded(sneaky), reference(), POLICY))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "'=HYPERLINK(\"x\")" and len(rows) == 2


# --- the class report ----------------------------------------------------------------------

def with_speedup(made: dict, value: float, judged: bool = True) -> dict:
    check = next(c for c in topic(made, "pool_map")["checks"] if c["name"] == "speedup")
    check["metrics"].update(speedup=value, threshold=1.4, timing_judged=judged)
    return made


def class_page(students_cards, key=None) -> str:
    students = build_gradebook(loaded(*students_cards), reference(key), POLICY)
    return class_report.render(students, reference(key), "2026-12-01T10:00:00+00:00",
                               read=len(students_cards), skipped=1)


def test_the_report_shows_pass_rates_distribution_speedups_and_flags():
    alice = with_speedup(card("alice"), 1.2)
    bob = with_speedup(card("bob"), 1.8)
    topic(bob, "pool_map")["status"] = "passed"
    bob["kit_version"] = "0.0.9"  # a flag to look into, which does not stop the card counting
    carol = with_speedup(card("carol"), 0.4, judged=False)
    page = class_page([alice, bob, carol])
    for text in ("process_basics", "pool_map", "shared_values", "counter_has_no_lost_updates",
                 "3 students, from 3 scorecards read (1 file skipped)"):
        assert text in page
    assert "100% (3/3)" in page  # process_basics passed by all
    assert "33% (1/3)" in page  # pool_map passed by bob only
    assert "0% (0/3)" in page  # shared_values by nobody
    # The 50-60% bin holds all three (16/30); carol's untimed speedup is left out.
    assert re.search(r"<title>50-60%: 3</title>", page)
    assert "median 1.50x, 2 students" in page and "1.20-1.80x" in page and "1 of 2" in page
    assert re.search(r"<td>other_kit_version</td>.*?<td>bob</td>", page)
    assert page.count('<svg class="chart"') == 1 + 1 + 1 + 3  # topics, histogram, speedups, checks
    for element in ('class="bar good"', 'class="bar poor"', 'class="bin"', 'class="median"',
                    'class="threshold"', 'class="range"'):
        assert element in page


def test_the_students_table_puts_the_lowest_total_first_with_each_ones_flags():
    strong = with_scores(card("alice"), process_basics=10, pool_map=10, shared_values=10)
    weak = with_scores(card("bob"), process_basics=10, pool_map=0, shared_values=0)
    weak["kit_version"] = "0.0.9"
    page = class_page([strong, weak])
    table = page[page.index('<section id="students">'):page.index('<section id="distribution">')]
    assert table.index("<td>bob</td>") < table.index("<td>alice</td>")
    assert 'class="number cell poor" data-sort="0">0/10' in table
    assert 'class="number cell good" data-sort="10">10/10' in table
    assert "<td>other_kit_version</td>" in table and 'data-sort="30">30/30' in table


def test_a_run_that_failed_on_its_structure_counts_below_the_threshold():
    serial = with_speedup(card("alice"), 1.0)
    speedup = next(c for c in topic(serial, "pool_map")["checks"] if c["name"] == "speedup")
    del speedup["metrics"]["threshold"]  # the kit's run is skipped when the structure fails
    page = class_page([serial, with_speedup(card("bob"), 1.8)])
    assert '<td class="number">1 of 2</td>' in page


def test_the_report_loads_nothing_and_escapes_what_students_wrote():
    # Flagged, so that the name is listed in the flags table.
    hostile = card('<script src="https://evil.example/x.js"></script>', kit_version="0.0.9")
    page = class_page([hostile, card("bob")])
    assert "evil.example" not in page.replace("&lt;script src=&quot;https://evil.example", "")
    assert page.count("<script") == 1  # the page's own, inline
    without_hostile = class_page([card("alice"), card("bob")])
    for loader in ("http", "src=", "<link", "url(", "@import", "<iframe", "<img"):
        assert loader not in without_hostile


def test_the_report_without_any_speedup_says_so():
    lone = card("alice")
    lone["topics"] = [topic(lone, "shared_values")]
    assert "No speedup was timed in these scorecards." in class_page([lone])


def test_the_score_histogram_puts_full_marks_in_the_last_bin():
    full = with_scores(card("alice"), process_basics=10, pool_map=10, shared_values=10)
    empty = with_scores(card("bob"), process_basics=0, pool_map=0, shared_values=0)
    bins = class_report.score_histogram(build_gradebook(loaded(full, empty), reference(), POLICY))
    assert bins[0] == ("0-10%", 1) and bins[-1] == ("90-100%", 1) and len(bins) == 10


# --- the command ---------------------------------------------------------------------------

def of_this_kit(made: dict) -> dict:
    """The card as the kit installed here would make it: its grader and its public suites, so
    that `grade collect`, which compares with this kit, counts it."""
    made["integrity"].update(grader=gradebook.grader_digest(),
                             suites=gradebook.suite_digests(gradebook.SUITES_DIR, list(PUBLIC)))
    return made


def run_collect(*args):
    return CliRunner().invoke(collect, [str(a) for a in args], catch_exceptions=False)


def test_collect_writes_both_files_and_says_what_it_read_and_skipped(tmp_path):
    write(tmp_path, "cards/alice-1.json", of_this_kit(card("alice", "2026-11-20T10:00:00+00:00")))
    write(tmp_path, "cards/alice-2.json", of_this_kit(with_scores(
        card("alice", "2026-11-21T10:00:00+00:00"), shared_values=9)))
    write(tmp_path, "cards/ci/bob.json", of_this_kit(card("bob")))
    write(tmp_path, "cards/results.json", {"score": 3, "tests": []})
    out = tmp_path / "out"
    result = run_collect(tmp_path / "cards", "--csv", out / "book.csv",
                         "--html", out / "class.html", *COURSE_OPTION)
    assert result.exit_code == 0, result.output
    assert "read     " + str(tmp_path / "cards/ci/bob.json") in result.output
    assert (f"skipped  {tmp_path / 'cards/results.json'}: not a scorecard: it has no "
            "schema_version") in result.output
    assert "3 scorecard(s) read, 1 skipped: 2 student(s)" in result.output
    rows = list(csv.DictReader((out / "book.csv").open()))
    assert [(r["student"], r["total"], r["scorecards"]) for r in rows] == [
        ("alice", "25", "2"), ("bob", "16", "1")]
    assert {r["max_score"] for r in rows} == {"30"}
    assert "Pass rate per topic" in (out / "class.html").read_text()


def test_collect_checks_signatures_and_solutions_from_files(tmp_path):
    solution = write(tmp_path, "solutions/pool_map.py", "def square(x):\n    return x * x\n")
    honest = sign(card("alice"), KEY)
    tampered = sign(card("bob"), KEY)
    tampered["score"] = 30
    copier = sign(card("carol"), KEY)
    copier["integrity"]["graded_files"]["pool_map"] = gradebook.sha256_of(solution)
    copier = sign(copier, KEY)
    for name, made in (("alice", honest), ("bob", tampered), ("carol", copier),
                       ("dave", card("dave"))):
        write(tmp_path, f"cards/{name}.json", made)
    args = [tmp_path / "cards", "--csv", tmp_path / "g.csv", "--html", tmp_path / "r.html",
            "--solutions", solution.parent, *COURSE_OPTION]
    result = CliRunner().invoke(collect, [str(a) for a in args],
                                env={"GRADER_SIGNING_KEY": KEY.decode()})
    assert result.exit_code == 0, result.output
    rows = {r["student"]: r for r in csv.DictReader((tmp_path / "g.csv").open())}
    assert {name: r["signature"] for name, r in rows.items()} == {
        "alice": "valid", "bob": "tampered", "carol": "valid", "dave": "unsigned"}
    assert rows["carol"]["same_as_solution"].startswith("pool_map (")
    assert rows["alice"]["same_as_solution"] == ""
    assert "signature" in rows["bob"]["flags"] and "signature" in rows["dave"]["flags"]
    without_key = CliRunner().invoke(collect, [str(a) for a in args],
                                     env={"GRADER_SIGNING_KEY": ""})
    assert "3 signed scorecard(s) could not be checked" in without_key.output


def test_collect_with_nothing_readable_exits_1_and_writes_nothing(tmp_path):
    write(tmp_path, "cards/a.json", "{")
    result = run_collect(tmp_path / "cards", "--csv", tmp_path / "g.csv",
                         "--html", tmp_path / "r.html")
    assert result.exit_code == 1
    assert "truncated" in result.output and "No scorecard was read" in result.output
    assert not (tmp_path / "g.csv").exists() and not (tmp_path / "r.html").exists()


def test_collect_usage_errors(tmp_path):
    assert run_collect().exit_code == 2
    missing = run_collect(tmp_path / "nowhere")
    assert missing.exit_code == 2 and "does not exist" in missing.output
    (tmp_path / "empty").mkdir()
    no_suites = run_collect(tmp_path, "--suites", tmp_path / "empty")
    assert no_suites.exit_code == 2 and "holds no test_<topic>.py" in no_suites.output
    not_a_time = run_collect(tmp_path, "--before", "next friday")
    assert not_a_time.exit_code == 2 and "is not an ISO 8601 time" in not_a_time.output
    not_a_topic = run_collect(tmp_path, "--topics", "pool_map,pool_mapp")
    assert not_a_topic.exit_code == 2 and "pool_mapp (did you mean pool_map?)" in not_a_topic.output
    not_a_track = run_collect(tmp_path, "--track", "modrn")
    assert not_a_track.exit_code == 2 and unknown_track_message("modrn") in not_a_track.output
    both = run_collect(tmp_path, "--track", "modern", "--topics", "pool_map")
    assert both.exit_code == 2 and "give one" in both.output


def test_a_track_names_the_courses_topics(tmp_path):
    write(tmp_path, "cards/alice.json", of_this_kit(card("alice")))
    out = tmp_path / "out"
    result = run_collect(tmp_path / "cards", "--csv", out / "book.csv", "--html",
                         out / "class.html", "--track", "modern")
    assert result.exit_code == 0, result.output
    header = (out / "book.csv").read_text().splitlines()[0].split(",")
    modern = [topic.id for topic in topics_of_track("modern")]
    assert modern and [name for name in header if name in topic_ids()] == modern


def test_collect_help():
    result = run_collect("--help")
    assert result.exit_code == 0
    for option in ("--csv", "--html", "--suites", "--solutions", "--policy", "--before",
                   "--topics", "--track", "--roster"):
        assert option in result.output


def test_the_flags_table_names_at_most_40_students():
    page = class_page([card(f"s{n:02d}", kit_version="0.0.9") for n in range(45)])
    flags = page[page.index('<section id="flags">'):]
    assert "s39 and 5 more (see the gradebook)" in flags and "s40" not in flags


def test_wild_speedups_neither_break_nor_swamp_the_chart():
    huge = with_speedup(card("alice"), 1e9)
    nan = with_speedup(card("bob"), 1.5)
    next(c for c in topic(nan, "pool_map")["checks"] if c["name"] == "speedup")["metrics"].update(
        speedup=float("nan"))
    page = class_page([huge, nan, with_speedup(card("carol"), -3.0)])
    assert "nan" not in page.lower()
    assert page.count('class="tick"') <= 10


def test_the_cpus_override_the_grader_writes_is_the_one_the_gradebook_flags():
    from grader.instructors.gradebook import cpu_flag
    from grader.settings import resolve_cpus
    written = resolve_cpus(4).source
    assert cpu_flag({"usable_cpus": 4, "usable_cpus_source": written}).startswith("4 usable CPU(s) set by --cpus")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
MEASURE = """<script>
var label = document.querySelector("svg.chart text").getBoundingClientRect();
document.title = JSON.stringify({label_px: label.height});
</script></body>"""


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here to render the page on a phone's "
                                              "width (Debian: apt-get install chromium)")
def test_the_report_stays_readable_on_a_phone(tmp_path):
    page = class_page([with_speedup(card(f"s{n}"), 1.5) for n in range(5)])
    phone = tmp_path / "report.html"
    phone.write_text(page.replace("</body>", MEASURE))
    shown = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                            "--window-size=420,800", "--dump-dom", phone.as_uri()],
                           capture_output=True, text=True, timeout=60)
    measured = json.loads(html.unescape(re.search(r"<title>(.*?)</title>", shown.stdout).group(1)))
    # A label's box is 14 px high at the chart's own size; shrunk to the phone's width, the
    # chart drew it 9 px high, in letters of about 7 px.
    assert measured["label_px"] >= 12, measured
