"""Exports of a scorecard: each checked against the fields its format documents.

Gradescope's results.json (its autograder specifications), JUnit XML as GitLab and the common
test reporters read it, and the Markdown summary shown on a CI job's page.
"""

import copy
import json
import re
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from grader.instructors import exports
from tests.conftest import KIT_ROOT, validate

SAMPLE = json.loads((KIT_ROOT / "docs" / "sample_scorecard.json").read_text(encoding="utf-8"))
HOSTILE = 'Got <script>&"\'</script> ]]> | `a|b` *x* [l](http://x) $y$\n# h\x00\x1b[31m'
VISIBILITIES = ["visible", "hidden", "after_due_date", "after_published"]
FORMATS = ["text", "html", "simple_format", "md", "ansi"]
# The fields Gradescope's autograder specifications document; nothing else is written.
GRADESCOPE_TEST = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "score": {"type": "number"}, "max_score": {"type": "number"},
        "status": {"enum": ["passed", "failed"]}, "name": {"type": "string"},
        "name_format": {"enum": FORMATS}, "number": {"type": "string"},
        "output": {"type": "string"}, "output_format": {"enum": FORMATS},
        "tags": {"type": "array", "items": {"type": "string"}},
        "visibility": {"enum": VISIBILITIES}, "extra_data": {"type": "object"},
    },
}
GRADESCOPE_RESULTS = {
    "type": "object", "additionalProperties": False, "anyOf": [{"required": ["score"]},
                                                               {"required": ["tests"]}],
    "properties": {
        "score": {"type": "number"}, "execution_time": {"type": "integer", "minimum": 0},
        "output": {"type": "string"}, "output_format": {"enum": FORMATS},
        "test_output_format": {"enum": FORMATS}, "test_name_format": {"enum": FORMATS},
        "visibility": {"enum": VISIBILITIES}, "stdout_visibility": {"enum": VISIBILITIES},
        "extra_data": {"type": "object"}, "tests": {"type": "array", "items": GRADESCOPE_TEST},
        "leaderboard": {"type": "array"},
    },
}


def check(name, outcome, points=2, message="", kind="correctness", **extra):
    return {"name": name, "kind": kind, "outcome": outcome,
            "points": points if outcome == "passed" else 0,
            "max_points": 0 if outcome == "skipped" else points,
            "message": message, "duration_s": 0.5, "metrics": {}, **extra}


def topic(topic_id, status, checks=(), message="m", max_score=None, **extra):
    checks = list(checks)
    return {"id": topic_id, "title": f"The {topic_id} topic", "section": "S",
            "score": sum(c["points"] for c in checks),
            "max_score": max_score if max_score is not None else sum(c["max_points"] for c in checks),
            "status": status, "message": message, "duration_s": 1.0, "checks": checks,
            "leftovers": [], **extra}


def card_of(*topics, interrupted=False):
    card = copy.deepcopy(SAMPLE)
    card["topics"] = list(topics)
    card["interrupted"] = interrupted
    card["score"] = sum(t["score"] for t in topics)
    card["max_score"] = sum(t["max_score"] for t in topics)
    return card


@pytest.fixture
def mixed():
    """A run with every outcome: a timeout, an error topic with no checks, skipped, not_graded."""
    return card_of(
        topic("pool_map", "timeout", [check("results_in_order", "passed"),
                                      check("speedup", "timeout", 4, "Stopped after 15 s.",
                                            kind="speedup")],
              hint="Think of the workers."),
        topic("shared_values", "error", message="Your module did not import: " + HOSTILE,
              max_score=10, output_tail="Traceback\nSyntaxError: \x07 bad"),
        topic("executor", "failed", [check("speedup", "skipped", 3, "needs 2 CPUs"),
                                     check("errors", "failed", 2, HOSTILE,
                                           output={"stdout": "hi\x1b[0m", "stderr": ""})]),
        topic("process_basics", "not_started", message="Not started. First step: start_all",
              max_score=10),
        topic("best_practices", "not_graded", message="Not graded: interrupted.", max_score=10),
        interrupted=True)


def test_the_hand_made_cards_are_real_scorecards(mixed):
    validate(mixed)
    validate(SAMPLE)


# --- Gradescope -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sample", "mixed"])
def test_gradescope_results_use_only_documented_fields(name, mixed):
    card = SAMPLE if name == "sample" else mixed
    results = exports.gradescope_results(card)
    jsonschema.validate(results, GRADESCOPE_RESULTS)
    assert results["score"] == card["score"]
    assert results["execution_time"] >= card["duration_s"]
    assert sum(t["score"] for t in results["tests"]) == card["score"]
    assert sum(t["max_score"] for t in results["tests"]) == card["max_score"]
    names = [t["name"] for t in results["tests"]]
    assert len(names) == len(set(names))
    json.dumps(results, ensure_ascii=False).encode("utf-8")


def test_gradescope_visibility_by_topic_then_kind_then_default(tmp_path):
    from grader.instructors.gradescope_visibility import load_visibility
    from grader.topics import topic_ids
    settings = tmp_path / "gradescope.toml"
    settings.write_text('default = "after_due_date"\n[kinds]\nspeedup = "after_published"\n'
                        '[topics]\nshared_values = "hidden"\n')
    visibility = load_visibility(settings, topic_ids())
    tests = exports.gradescope_results(SAMPLE, visibility)["tests"]
    seen = {(t["tags"][0], t["tags"][-1]): t["visibility"] for t in tests}
    assert seen[("pool_map", "speedup")] == "after_published"
    assert seen[("pool_map", "correctness")] == "after_due_date"
    assert {v for (topic_id, _), v in seen.items() if topic_id == "shared_values"} == {"hidden"}
    assert {t["visibility"] for t in exports.gradescope_results(SAMPLE)["tests"]} == {"visible"}


@pytest.mark.parametrize("text, words", [
    ('default = "secret"\n', "default = 'secret': Gradescope accepts visible"),
    ('[kinds]\nspeed = "hidden"\n', "[kinds] speed: the kinds are"),
    ('[topics]\npool_mapp = "hidden"\n', "[topics] pool_mapp is not a topic"),
    ('colour = "red"\n', "unknown keys ['colour']"),
])
def test_a_visibility_file_it_cannot_use_says_why(tmp_path, text, words):
    from grader.instructors.gradescope_visibility import VisibilityError, load_visibility
    settings = tmp_path / "gradescope.toml"
    settings.write_text(text)
    with pytest.raises(VisibilityError) as raised:
        load_visibility(settings, ["pool_map"])
    assert words in str(raised.value)


def test_a_private_topic_shows_its_score_and_nothing_of_its_checks(monkeypatch):
    monkeypatch.setattr(exports, "_private_topics", lambda: {"pool_map"})
    results = exports.gradescope_results(SAMPLE)
    pool_map = [t for t in results["tests"] if t["tags"][0] == "pool_map"]
    topic = next(t for t in SAMPLE["topics"] if t["id"] == "pool_map")
    assert len(pool_map) == 1 and pool_map[0]["score"] == topic["score"]
    text = json.dumps(pool_map) + results["output"]
    for check in topic["checks"]:
        assert check["name"] not in text
        assert not check["message"] or check["message"] not in text


def test_gradescope_has_a_test_per_check_and_per_topic_without_checks(mixed):
    tests = {t["name"]: t for t in exports.gradescope_results(mixed)["tests"]}
    assert tests["pool_map: results_in_order"]["status"] == "passed"
    timed_out = tests["pool_map: speedup"]
    assert (timed_out["status"], timed_out["score"], timed_out["max_score"]) == ("failed", 0, 4)
    assert "Stopped after 15 s." in timed_out["output"]
    assert "Hint: Think of the workers." in timed_out["output"], "the hint goes with its check"
    assert "Hint" not in tests["pool_map: results_in_order"]["output"]
    errored = tests["shared_values: The shared_values topic"]
    assert (errored["status"], errored["score"], errored["max_score"]) == ("failed", 0, 10)
    assert "did not import" in errored["output"] and "SyntaxError: \\x07 bad" in errored["output"]
    skipped = tests["executor: speedup"]
    assert (skipped["status"], skipped["max_score"]) == ("passed", 0)
    assert "Skipped" in skipped["output"] and "needs 2 CPUs" in skipped["output"]
    printed = tests["executor: errors"]["output"]
    assert "hi\\x1b[0m" in printed and "\x1b" not in printed and "\x00" not in printed
    assert tests["process_basics: The process_basics topic"]["status"] == "failed"
    assert tests["best_practices: The best_practices topic"]["max_score"] == 10
    assert [t["number"] for t in exports.gradescope_results(mixed)["tests"]][:3] == ["1.1", "1.2", "2"]


def test_gradescope_output_says_what_was_cut_short(mixed):
    output = exports.gradescope_results(mixed)["output"]
    assert "interrupted" in output and "best_practices: 0/10 not_graded" in output


# --- JUnit XML ------------------------------------------------------------------------------

def parse(card):
    text = exports.junit_xml(card)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def outcome_of(case):
    found = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
    assert len(found) <= 1
    return found[0] if found else "passed"


@pytest.mark.parametrize("name", ["sample", "mixed"])
def test_junit_follows_the_format(name, mixed):
    card = SAMPLE if name == "sample" else mixed
    root = parse(card)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [t["id"] for t in card["topics"]]
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    identities = set()
    for suite, entry in zip(suites, card["topics"]):
        cases = suite.findall("testcase")
        counts = {"tests": len(cases),
                  "failures": sum(outcome_of(c) == "failure" for c in cases),
                  "errors": sum(outcome_of(c) == "error" for c in cases),
                  "skipped": sum(outcome_of(c) == "skipped" for c in cases)}
        assert {key: int(suite.get(key)) for key in counts} == counts
        for key in totals:
            totals[key] += counts[key]
        for case in cases:
            assert case.get("classname") == entry["id"]
            assert case.get("file") == f"exercises/{entry['id']}.py"
            assert float(case.get("time")) >= 0
            identities.add((case.get("classname"), case.get("name")))
        assert len(cases) == max(1, len(entry["checks"]))
    assert {key: int(root.get(key)) for key in totals} == totals
    assert len(identities) == totals["tests"], "GitLab keeps only the first of equal names"
    float(root.get("time"))


def test_junit_outcomes_carry_the_messages(mixed):
    root = parse(mixed)
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    timed_out = cases["pool_map", "speedup"].find("error")
    assert timed_out.get("type") == "timeout" and timed_out.get("message") == "Stopped after 15 s."
    assert timed_out.text.startswith("Stopped after 15 s.") and "Think of the workers" in timed_out.text
    assert outcome_of(cases["pool_map", "results_in_order"]) == "passed"
    assert cases["shared_values", "whole_topic"].find("error").get("type") == "error"
    assert outcome_of(cases["process_basics", "whole_topic"]) == "failure"
    assert outcome_of(cases["best_practices", "whole_topic"]) == "skipped"
    assert "needs 2 CPUs" in cases["executor", "speedup"].find("skipped").get("message")
    failure = cases["executor", "errors"].find("failure")
    assert failure.get("type") == "correctness"
    # Every character a message had comes back, but the ones XML cannot hold, shown escaped.
    shown = HOSTILE.replace("\x00", "\\x00").replace("\x1b", "\\x1b")
    assert failure.get("message") == shown and failure.text.startswith(shown)
    assert cases["executor", "errors"].find("system-out").text == "hi\\x1b[0m"
    assert "\\x07" in cases["shared_values", "whole_topic"].find("error").text


def test_junit_topic_properties():
    suite = parse(SAMPLE).find("testsuite[@name='pool_map']")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {"title": "Process pools and chunksize", "status": "failed",
                          "score": "6", "max_score": "10"}


# --- Markdown -------------------------------------------------------------------------------

CELL_END = re.compile(r"(?<!\\)\|")


def table_rows(markdown, header):
    lines = markdown.splitlines()
    start = lines.index(header)
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    width = len(CELL_END.findall(header))
    assert all(len(CELL_END.findall(row)) == width for row in rows), "a cell spilled over"
    return rows


def test_markdown_summary_of_the_sample():
    markdown = exports.markdown_summary(SAMPLE)
    assert markdown.startswith("## Multiprocessing exercises: 16/30 (53%)")
    assert "ada at 5f1c0a7e9b2d" in markdown
    rows = table_rows(markdown, "| Topic | Status | Score |")
    assert rows == [r"| process\_basics | passed | 10/10 |", r"| pool\_map | failed | 6/10 |",
                    r"| shared\_values | failed | 0/10 |"]
    assert "Give every worker an equal share" in markdown, "a failing check's message"
    assert "Results came back in order" not in markdown, "a passed check's message"
    # Code in a message stays code; text that would be markup does not become it.
    assert "`with counter.get_lock(): counter.value += 1`" in markdown
    assert r"\<2000 values\>" in markdown
    speedups = table_rows(markdown, next(line for line in markdown.splitlines()
                                         if line.startswith("| Topic | Check | Speedup")))
    assert r"| pool\_map | speedup | 1.10x | 1.40x | 1.78x | yes | failed |" in speedups
    assert len(speedups) == 2


def test_markdown_summary_of_every_outcome(mixed):
    markdown = exports.markdown_summary(mixed)
    assert "**Interrupted**" in markdown
    rows = table_rows(markdown, "| Topic | Status | Score |")
    assert [row.split("|")[2].strip() for row in rows] == [
        "timeout", "error", "failed", r"not\_started", r"not\_graded"]
    fixes = [line for line in markdown.splitlines() if line.startswith("- ")]
    assert len(fixes) == 5, "the timeout, the error, the failure, not started, not graded"
    assert any("Stopped after 15 s." in line for line in fixes)
    assert any("did not import" in line for line in fixes)
    assert not any("needs 2 CPUs" in line for line in fixes), "skipped is not a thing to fix"
    # Markup only where escaped: no HTML tag, no link, no heading, no raw control character.
    assert not re.search(r"(?<!\\)<script|(?<!\\)\]\(|\n# h", markdown)
    assert r"\<script\>" in markdown and "\x00" not in markdown and "\x1b" not in markdown


def test_markdown_gives_checks_that_failed_alike_one_line():
    missing = "exercises/pool_map.py was not found, so nothing could be graded."
    card = card_of(topic("pool_map", "error", [check("a", "error", 2, missing),
                                               check("b", "timeout", 3, missing),
                                               check("c", "failed", 1, "wrong")]))
    fixes = [line for line in exports.markdown_summary(card).splitlines() if line.startswith("- ")]
    assert fixes == [r"- **pool\_map** › a, b (error/timeout, 0/5): exercises/pool\_map.py was "
                     "not found, so nothing could be graded.",
                     r"- **pool\_map** › c (correctness, failed, 0/1): wrong"]


def test_markdown_text_escapes_but_keeps_code_spans():
    assert exports.markdown_text("a|b `x|y` *c*") == r"a\|b `x|y` \*c\*"
    assert exports.markdown_text("a|b `x|y`", in_table=True) == r"a\|b `x\|y`"
    assert exports.markdown_text("one\ntwo  three") == "one two three"
    assert exports.markdown_text("an ` alone") == r"an \` alone"


# --- Writing --------------------------------------------------------------------------------

def test_write_exports_writes_each_and_appends_to_the_step_summary(tmp_path, mixed):
    step_summary = tmp_path / "step_summary.md"
    step_summary.write_text("earlier step\n", encoding="utf-8")
    paths = {"gradescope": tmp_path / "gs" / "results.json", "junit": tmp_path / "junit.xml",
             "summary": tmp_path / "summary.md"}
    written = exports.write_exports(mixed, **paths,
                                    environ={"GITHUB_STEP_SUMMARY": str(step_summary)})
    assert written == [*map(str, paths.values()), str(step_summary)]
    assert json.loads(paths["gradescope"].read_text(encoding="utf-8")) == \
        exports.gradescope_results(mixed)
    ET.fromstring(paths["junit"].read_bytes())
    assert paths["summary"].read_text(encoding="utf-8") == exports.markdown_summary(mixed)
    appended = step_summary.read_text(encoding="utf-8")
    assert appended.startswith("earlier step\n## Multiprocessing exercises")
    assert list(tmp_path.rglob("*.tmp")) == []


def test_write_exports_writes_nothing_unasked(tmp_path):
    assert exports.write_exports(SAMPLE, environ={}) == []
    assert exports.write_exports(SAMPLE, environ={"GITHUB_STEP_SUMMARY": ""}) == []


def test_an_export_that_cannot_be_written_does_not_stop_the_others(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    with pytest.raises(exports.ExportError) as raised:
        exports.write_exports(SAMPLE, gradescope=blocker / "results.json",
                              summary=tmp_path / "summary.md", environ={})
    message = str(raised.value)
    assert "--gradescope" in message and str(blocker / "results.json") in message
    assert "\n" not in message
    assert raised.value.written == [str(tmp_path / "summary.md")]
    assert (tmp_path / "summary.md").is_file()
