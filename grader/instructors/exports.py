"""The scorecard in the formats other tools read: Gradescope's results.json, JUnit XML for CI test
reports, and a Markdown summary for a CI job's page.

Each is built by a pure function from the scorecard dict alone, so a scorecard written earlier
converts the same as one just made. write_exports writes whichever the command line asked for.
"""

from __future__ import annotations

import json
import math
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from grader.instructors.gradescope_visibility import Visibility
from grader.reporting.scorecard import NOT_A_RESULT
from grader.topics import all_topics

FAILING = ("failed", "error", "timeout")
# The testcase standing for a topic that reported no checks (it crashed, hung, was never graded).
WHOLE_TOPIC = "whole_topic"
SUMMARY_TITLE = "Multiprocessing exercises"
# Characters XML 1.0 cannot hold even escaped, and lone surrogates UTF-8 cannot encode.
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Markdown punctuation that could turn a message into markup (a link, emphasis, HTML, a cell end).
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$#!])")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")


class ExportError(OSError):
    """Exports could not be written: the message names each option, path and reason; `written`
    lists the paths that were."""

    def __init__(self, message: str, written: list[str]):
        super().__init__(message)
        self.written = written


def _escape(found: re.Match) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


def printable(text) -> str:
    """The text with every control character but tab and newline shown as an escape (\\x1b)."""
    return UNPRINTABLE.sub(_escape, str(text))


def percent(card: dict) -> float:
    """The total as a percentage of the maximum (0 when there is nothing to score)."""
    return 100 * card["score"] / card["max_score"] if card["max_score"] else 0.0


def hinted_check(topic: dict) -> str | None:
    """The name of the check the topic's hint is about: its first that neither passed nor skipped."""
    if "hint" not in topic:
        return None
    return next((c["name"] for c in topic["checks"] if c["outcome"] not in ("passed", "skipped")),
                None)


def check_report(topic: dict, check: dict) -> str:
    """What a student reads about one check: its message, the topic's hint when it is about this
    check, and what the student's code printed (grade --verbose)."""
    if check["outcome"] == "skipped":
        parts = ["Skipped, counts neither way.", check["message"]]
    else:
        parts = [check["message"] or check["outcome"].capitalize() + "."]
    if check["name"] == hinted_check(topic):
        parts.append(f"Hint: {topic['hint']}")
    for stream, text in check.get("output", {}).items():
        if text:
            parts.append(f"Your code printed on {stream}:\n{text}")
    return printable("\n\n".join(part for part in parts if part))


def topic_report(topic: dict) -> str:
    """What a student reads about a topic that reported no checks: why, and its last output."""
    parts = [topic["message"]]
    if topic.get("hint"):
        parts.append(f"Hint: {topic['hint']}")
    if topic.get("output_tail"):
        parts.append(f"Last output lines:\n{topic['output_tail']}")
    return printable("\n\n".join(part for part in parts if part))


def overview(card: dict, private: set[str] = frozenset()) -> str:
    """A few lines on the whole run: total, what was graded, where, and anything cut short
    (nothing more than the score of a topic in `private`)."""
    env = card["environment"]
    lines = [f"Total {card['score']}/{card['max_score']} ({percent(card):.0f}%).",
             f"Graded with Python {env['python']}, start method {env['start_method']}, "
             f"{env['usable_cpus']} usable CPUs ({env.get('usable_cpus_source', 'counted')}).",
             *(f"{t['id']}: {t['score']}/{t['max_score']} {t['status']}" for t in card["topics"])]
    if card.get("interrupted"):
        lines.append("The run was interrupted: topics marked not_graded count 0.")
    lines += [f"Cleaned up after {t['id']}: {leftover}" for t in card["topics"]
              if t["id"] not in private for leftover in t.get("leftovers", [])]
    return printable("\n".join(lines))


# --- Gradescope -----------------------------------------------------------------------------

KEPT_BY_INSTRUCTOR = ("{score}/{most} points, from checks your instructor keeps: their names "
                      "and messages are not shown.")


def _private_topics() -> set[str]:
    return {topic.id for topic in all_topics() if topic.private_suite}


def gradescope_results(card: dict, visibility: Visibility | None = None) -> dict:
    """Gradescope's results.json: one test per check, one per topic that reported no checks,
    each with the visibility the instructor set for its topic or kind (visible by default).

    A topic whose suite the instructor keeps private is one test, with its score and nothing
    of its checks: their names and messages would show the hidden suite's shape.
    """
    visibility = visibility or Visibility()
    private = _private_topics()
    tests = []
    for number, topic in enumerate(card["topics"], start=1):
        common = {"output_format": "text", "name_format": "text"}
        whole = {"name": f"{topic['id']}: {topic['title']}", "number": str(number),
                 "score": topic["score"], "max_score": topic["max_score"],
                 "status": "passed" if topic["status"] == "passed" else "failed",
                 "tags": [topic["id"]], "visibility": visibility.of(topic["id"]), **common}
        if topic["id"] in private:
            tests.append({**whole, "output": KEPT_BY_INSTRUCTOR.format(
                score=topic["score"], most=topic["max_score"])})
            continue
        if not topic["checks"]:
            tests.append({**whole, "output": topic_report(topic)})
        for index, check in enumerate(topic["checks"], start=1):
            tests.append({"name": f"{topic['id']}: {check['name']}",
                          "number": f"{number}.{index}",
                          "score": check["points"], "max_score": check["max_points"],
                          "status": "failed" if check["outcome"] in FAILING else "passed",
                          "output": check_report(topic, check),
                          "tags": [topic["id"], check["kind"]],
                          "visibility": visibility.of(topic["id"], check["kind"]), **common})
    return {"score": card["score"], "execution_time": math.ceil(card.get("duration_s", 0)),
            "output": overview(card, private), "output_format": "text", "tests": tests}


# --- JUnit XML ------------------------------------------------------------------------------

def _outcome_element(parent: ET.Element, tag: str, message: str, kind: str, body: str) -> None:
    # GitLab shows the element's text; Jenkins and most other reporters show `message`.
    ET.SubElement(parent, tag, message=printable(message), type=kind).text = body


def _check_case(suite: ET.Element, topic: dict, check: dict, file: str) -> str | None:
    case = ET.SubElement(suite, "testcase", classname=topic["id"], name=printable(check["name"]),
                         file=file, time=f"{check.get('duration_s', 0):.3f}")
    outcome, body = check["outcome"], check_report(topic, check)
    if outcome == "failed":
        _outcome_element(case, "failure", check["message"], check["kind"], body)
    elif outcome in ("error", "timeout"):
        _outcome_element(case, "error", check["message"], outcome, body)
    elif outcome == "skipped":
        ET.SubElement(case, "skipped", message=printable(check["message"])).text = body
    for stream, text in check.get("output", {}).items():
        if text:
            ET.SubElement(case, f"system-{'out' if stream == 'stdout' else 'err'}").text = printable(text)
    return {"failed": "failures", "error": "errors", "timeout": "errors",
            "skipped": "skipped"}.get(outcome)


def _topic_case(suite: ET.Element, topic: dict, file: str) -> str | None:
    case = ET.SubElement(suite, "testcase", classname=topic["id"], name=WHOLE_TOPIC, file=file,
                         time=f"{topic.get('duration_s', 0):.3f}")
    status, body = topic["status"], topic_report(topic)
    if status in ("error", "timeout"):
        _outcome_element(case, "error", topic["message"], status, body)
        return "errors"
    if status in NOT_A_RESULT:
        ET.SubElement(case, "skipped", message=printable(topic["message"])).text = body
        return "skipped"
    if status != "passed":
        _outcome_element(case, "failure", topic["message"], status, body)
        return "failures"
    return None


def junit_xml(card: dict) -> str:
    """JUnit XML: a testsuite per topic, a testcase per check (classname = topic id).

    failed -> <failure>, error and timeout -> <error>, skipped -> <skipped/>, each carrying the
    check's message; a topic that reported no checks is one testcase, `whole_topic`.
    """
    root = ET.Element("testsuites", name=SUMMARY_TITLE, time=f"{card.get('duration_s', 0):.3f}")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for topic in card["topics"]:
        suite = ET.SubElement(root, "testsuite", name=topic["id"],
                              timestamp=card.get("generated_at", ""),
                              time=f"{topic.get('duration_s', 0):.3f}")
        properties = ET.SubElement(suite, "properties")
        for name in ("title", "status", "score", "max_score"):
            ET.SubElement(properties, "property", name=name, value=printable(topic[name]))
        file = f"{card['target']['package']}/{topic['id']}.py"
        counts = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
        results = ([_check_case(suite, topic, check, file) for check in topic["checks"]]
                   or [_topic_case(suite, topic, file)])
        for result in results:
            counts["tests"] += 1
            if result:
                counts[result] += 1
        for name, count in counts.items():
            suite.set(name, str(count))
            totals[name] += count
    for name, count in totals.items():
        root.set(name, str(count))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- Markdown -------------------------------------------------------------------------------

def markdown_text(text, in_table: bool = False) -> str:
    """Text as Markdown shows it literally, on one line; `code spans` stay code spans.

    In a table cell a pipe ends the cell even inside a code span, so there it is escaped too.
    """
    one_line = " ".join(printable(text).split())
    pieces, last = [], 0
    for span in CODE_SPAN.finditer(one_line):
        pieces.append(MARKDOWN_SPECIAL.sub(r"\\\1", one_line[last:span.start()]))
        pieces.append(span.group().replace("|", r"\|") if in_table else span.group())
        last = span.end()
    pieces.append(MARKDOWN_SPECIAL.sub(r"\\\1", one_line[last:]))
    return "".join(pieces)


def _failing_lines(topic: dict) -> list[str]:
    """A line per failing message of the topic: checks that failed alike (a module that did not
    import fails them all) share one line."""
    name = f"**{markdown_text(topic['id'])}**"
    if not topic["checks"] or topic["status"] in ("not_started", *NOT_A_RESULT):
        return [f"- {name} ({topic['status']}): {markdown_text(topic['message'])}"]
    alike: dict[str, list[dict]] = {}
    for check in topic["checks"]:
        if check["outcome"] in FAILING:
            alike.setdefault(check["message"], []).append(check)
    lines = []
    for message, checks in alike.items():
        names = ", ".join(markdown_text(check["name"]) for check in checks)
        if len(checks) == 1:
            about = f"{checks[0]['kind']}, {checks[0]['outcome']}"
        else:
            about = "/".join(dict.fromkeys(check["outcome"] for check in checks))
        points = f"{sum(c['points'] for c in checks)}/{sum(c['max_points'] for c in checks)}"
        lines.append(f"- {name} › {names} ({about}, {points}): {markdown_text(message)}")
    return lines


def _speedup_rows(card: dict) -> list[str]:
    """A table row per check that measured a speedup: measured, needed, the kit's own run."""
    rows = []
    for topic in card["topics"]:
        for check in topic["checks"]:
            metrics = check.get("metrics", {})
            if not isinstance(metrics.get("speedup"), (int, float)) or "threshold" not in metrics:
                continue
            reference = metrics.get("reference_speedup")
            cells = [markdown_text(topic["id"], True), markdown_text(check["name"], True),
                     f"{metrics['speedup']:.2f}x", f"{metrics['threshold']:.2f}x",
                     f"{reference:.2f}x" if isinstance(reference, (int, float)) else "-",
                     "yes" if metrics.get("timing_judged", True) else "no", check["outcome"]]
            rows.append(f"| {' | '.join(cells)} |")
    return rows


def markdown_summary(card: dict) -> str:
    """A short Markdown summary: the total, a row per topic, failing checks, speedups measured."""
    env = card["environment"]
    student = card.get("student") or {}
    who = student.get("login") or student.get("name")
    lines = [f"## {SUMMARY_TITLE}: {card['score']}/{card['max_score']} ({percent(card):.0f}%)", ""]
    context = (f"Python {env['python']}, start method {env['start_method']}, "
               f"{env['usable_cpus']} usable CPUs ({env.get('usable_cpus_source', 'counted')})")
    if who:
        commit = student.get("commit")
        context = f"{who}{f' at {commit[:12]}' if commit else ''}; {context}"
    lines += [markdown_text(context + "."), ""]
    if card.get("interrupted"):
        lines += ["**Interrupted**: the topics marked not_graded count 0.", ""]
    lines += ["| Topic | Status | Score |", "|---|---|---:|"]
    lines += [f"| {markdown_text(t['id'], True)} | {markdown_text(t['status'], True)} | "
              f"{t['score']}/{t['max_score']} |" for t in card["topics"]]
    failing = [line for t in card["topics"] if t["status"] != "passed" for line in _failing_lines(t)]
    if failing:
        lines += ["", "### What to fix", "", *failing]
    speedups = _speedup_rows(card)
    if speedups:
        lines += ["", "### Speedups measured", "",
                  "| Topic | Check | Speedup | Needed | Kit's own run | Timed | Outcome |",
                  "|---|---|---:|---:|---:|---|---|", *speedups]
    return "\n".join(lines) + "\n"


# --- Writing --------------------------------------------------------------------------------

def _write(path: Path, text: str) -> None:
    """Write the whole file or leave the old one: a reader never sees half an export."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # open() rather than mkstemp, so the file gets the permissions any new file gets.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_exports(card: dict, gradescope=None, junit=None, summary=None,
                  environ=os.environ, visibility: Visibility | None = None) -> list[str]:
    """Write the exports asked for and return their paths, in that order.

    Appends the Markdown summary to $GITHUB_STEP_SUMMARY when that is set (its path is then
    the last one returned). An export that cannot be written does not stop the others: they
    are all tried, then ExportError names every one that failed, and why.
    """
    jobs = [("--gradescope", gradescope, "w", lambda: json.dumps(
                gradescope_results(card, visibility), indent=2, ensure_ascii=False) + "\n"),
            ("--junit", junit, "w", lambda: junit_xml(card)),
            ("--summary", summary, "w", lambda: markdown_summary(card)),
            # GitHub gives each step its own file and shows what every writer appended to it.
            ("GITHUB_STEP_SUMMARY", environ.get("GITHUB_STEP_SUMMARY") or None, "a",
             lambda: markdown_summary(card) + "\n")]
    written, failed = [], []
    for option, path, mode, render in jobs:
        if path is None:
            continue
        try:
            if mode == "a":
                with open(path, "a", encoding="utf-8") as file:
                    file.write(render())
            else:
                _write(Path(path), render())
        except OSError as error:
            failed.append(f"{option} {path}: {error.strerror or error}")
            continue
        written.append(str(path))
    if failed:
        raise ExportError(f"could not write {'; '.join(failed)}", written)
    return written
