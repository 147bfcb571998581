"""The class report: one self-contained HTML page with the class's results as charts.

Pass rate per topic and per check, the distribution of total scores, the speedups measured
per topic against their thresholds, and the flags raised. Styles and charts are inline; the
page loads nothing, so it opens the same offline, from an archive or as an e-mail attachment.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from html import escape

from grader.instructors import charts
from grader.instructors.gradebook import FLAG_MEANINGS, FLAGS, Reference, Student, topic_columns
from grader.reporting.scorecard import NOT_A_RESULT


@dataclass(frozen=True)
class Rate:
    """How many of those graded on something passed it."""

    label: str
    passed: int
    total: int

    @property
    def fraction(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def note(self) -> str:
        return f"{100 * self.fraction:.0f}% ({self.passed}/{self.total})"


@dataclass(frozen=True)
class Speedups:
    """The corrected speedups one check measured across the class, and the thresholds asked."""

    topic: str
    check: str
    values: tuple[float, ...]
    thresholds: tuple[float, ...]
    below: int  # students under their own threshold, or whose run was not parallel at all

    def as_range(self) -> charts.Range:
        note = (f"median {statistics.median(self.values):.2f}x, "
                f"{len(self.values)} student{'s' if len(self.values) != 1 else ''}")
        return charts.Range(self.topic, self.check, min(self.values),
                            statistics.median(self.values), max(self.values),
                            min(self.thresholds, default=None), max(self.thresholds, default=None),
                            note)


def topic_pass_rates(students: list[Student]) -> list[Rate]:
    """Per course topic, the students whose counted result passed it, of all the students."""
    rates = []
    for topic_id in topic_columns(students):
        statuses = [t["status"] for s in students for t in s.card["topics"] if t["id"] == topic_id]
        rates.append(Rate(topic_id, statuses.count("passed"), len(statuses)))
    return rates


def check_pass_rates(students: list[Student]) -> dict[str, list[Rate]]:
    """Per topic, per check in the order first met: who ran it (not skipped) and who passed."""
    outcomes: dict[str, dict[str, list[str]]] = {t: {} for t in topic_columns(students)}
    for student in students:
        for topic in student.card["topics"]:
            for check in topic.get("checks") or []:
                if check["outcome"] != "skipped":
                    outcomes[topic["id"]].setdefault(check["name"], []).append(check["outcome"])
    return {topic_id: [Rate(name, seen.count("passed"), len(seen)) for name, seen in checks.items()]
            for topic_id, checks in outcomes.items() if checks}


def score_histogram(students: list[Student], bins: int = 10) -> list[tuple[str, int]]:
    """How many students' totals fall in each tenth of the maximum (the last includes 100%)."""
    counts = [0] * bins
    width = 100 / bins
    for student in students:
        card = student.card
        percent = 100 * card["score"] / card["max_score"] if card["max_score"] else 0.0
        counts[min(int(percent // width), bins - 1)] += 1
    return [(f"{i * width:.0f}-{(i + 1) * width:.0f}%", count) for i, count in enumerate(counts)]


def _number(value) -> float | None:
    """A finite JSON number as a float; None for anything else (true, a string, NaN)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def speedup_summaries(students: list[Student]) -> list[Speedups]:
    """Per speedup check that reports a speedup, the values where timing was judged."""
    found: dict[tuple[str, str], list[tuple[float, float | None]]] = {}
    for student in students:
        for topic in student.card["topics"]:
            for check in topic.get("checks") or []:
                metrics = check.get("metrics") or {}
                speedup = _number(metrics.get("speedup"))
                # Where timing was not judged (one CPU, a saturated machine) the figure says
                # nothing about the student's code.
                if speedup is None or metrics.get("timing_judged") is False:
                    continue
                found.setdefault((topic["id"], check["name"]), []).append(
                    (speedup, _number(metrics.get("threshold"))))
    order = {topic_id: index for index, topic_id in enumerate(topic_columns(students))}
    summaries = []
    for (topic_id, name), pairs in sorted(found.items(), key=lambda item: order[item[0][0]]):
        thresholds = tuple(t for _, t in pairs if t is not None)
        # A run with no threshold failed on its structure (serial, one worker): below too.
        below = sum(1 for value, threshold in pairs if threshold is None or value < threshold)
        summaries.append(Speedups(topic_id, name, tuple(v for v, _ in pairs), thresholds, below))
    return summaries


def flagged_students(students: list[Student]) -> dict[str, list[str]]:
    """Per flag, the students (by key) whose row raises it."""
    return {flag: sorted((s.key for s in students if flag in s.flags), key=str.lower)
            for flag in FLAGS}


STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330;
       max-width: 760px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #d8dce4; }
h3 { font-size: 1em; margin: 1.2em 0 0.3em; }
.chart { max-width: 100%; height: auto; }
.chart text { font-size: 12px; fill: #1d2330; }
.chart .sublabel { fill: #5a6272; }
.chart .note, .chart .tick { fill: #5a6272; }
.chart .track { fill: #eef0f4; }
.chart .good { fill: #2e8b57; } .chart .fair { fill: #d89b19; } .chart .poor { fill: #c8413b; }
.chart .bin { fill: #4a72b8; }
.chart .axis { stroke: #8a90a0; } .chart .grid { stroke: #e4e7ec; }
.chart .range { stroke: #4a72b8; stroke-width: 4; stroke-linecap: round; }
.chart .median { fill: #1d2330; }
.chart .threshold { fill: #c8413b; opacity: 0.5; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.3em 0.5em; border-bottom: 1px solid #e4e7ec;
         vertical-align: top; }
td.number { text-align: right; white-space: nowrap; }
.muted { color: #5a6272; }
td.cell.good { background: #dcefe3; } td.cell.fair { background: #f7ebcc; }
td.cell.poor { background: #f5d6d4; }
th { cursor: pointer; }
.wide { overflow-x: auto; }
table.sortable td { white-space: nowrap; }
/* On a phone the charts keep their size, so that their labels stay readable, and scroll
   sideways with the tables. */
@media (max-width: 600px) {
  body { margin: 1em auto; font-size: 14px; }
  .chart { max-width: none; width: 720px; }
  section { overflow-x: auto; }
}
"""


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}">\n<h2>{escape(title)}</h2>\n{body}\n</section>'


def _thresholds(summary: Speedups) -> str:
    if not summary.thresholds:
        return "-"
    return charts.span(min(summary.thresholds), max(summary.thresholds), "x")


def _speedup_section(students: list[Student]) -> str:
    summaries = speedup_summaries(students)
    if not summaries:
        return '<p class="muted">No speedup was timed in these scorecards.</p>'
    rows = "\n".join(
        f"<tr><td>{escape(s.topic)}</td><td>{escape(s.check)}</td>"
        f'<td class="number">{statistics.median(s.values):.2f}x</td>'
        f'<td class="number">{min(s.values):.2f}-{max(s.values):.2f}x</td>'
        f'<td class="number">{_thresholds(s)}</td>'
        f'<td class="number">{s.below} of {len(s.values)}</td></tr>' for s in summaries)
    return (charts.range_chart([s.as_range() for s in summaries], "Measured speedups per topic")
            + '\n<p class="muted">The line spans the lowest to the highest speedup measured '
            "(corrected for the CPU share each run got), the dot is the median, the red mark the "
            "threshold asked. Runs whose timing was not judged (one usable CPU, a saturated "
            "machine) are left out.</p>\n<table>\n<tr><th>topic</th><th>check</th><th>median</th>"
            "<th>range</th><th>threshold</th><th>below it, or not parallel</th></tr>\n" + rows
            + "\n</table>")


def _names(keys: list[str], shown: int = 40) -> str:
    """The students named, at most `shown` of them: the CSV has every row."""
    if not keys:
        return "-"
    more = f" and {len(keys) - shown} more (see the gradebook)" if len(keys) > shown else ""
    return escape(", ".join(keys[:shown]) + more)


def _flags_section(students: list[Student]) -> str:
    rows = "\n".join(
        f"<tr><td>{escape(flag)}</td><td>{escape(FLAG_MEANINGS[flag])}</td>"
        f'<td class="number">{len(keys)}</td><td>{_names(keys)}</td></tr>'
        for flag, keys in flagged_students(students).items())
    return ("<table>\n<tr><th>flag</th><th>meaning</th><th>students</th><th>who</th></tr>\n"
            + rows + "\n</table>")


def _cell(topic: dict, points: int) -> str:
    if topic["status"] in NOT_A_RESULT:
        return '<td class="number muted" data-sort="-1">-</td>'
    score = topic["score"]
    grade = "good" if topic["status"] == "passed" else "fair" if score > 0 else "poor"
    return f'<td class="number cell {grade}" data-sort="{score}">{score}/{points}</td>'


def _students_section(students: list[Student]) -> str:
    """A row per student, the lowest total first: a cell per topic, the total, the flags."""
    if not students:
        return '<p class="muted">No student.</p>'
    course = students[0].policy.course
    ordered = sorted(students, key=lambda s: (s.card["score"], s.key.lower()))
    head = ("<tr><th>student</th>" + "".join(f"<th>{escape(t.id)}</th>" for t in course)
            + "<th>total</th><th>flags</th></tr>")
    rows = []
    for student in ordered:
        card = student.card
        cells = "".join(_cell(topic, t.points) for topic, t in zip(card["topics"], course))
        rows.append(f"<tr><td>{escape(student.key)}</td>{cells}"
                    f'<td class="number" data-sort="{card["score"]}">{card["score"]}/'
                    f'{card["max_score"]}</td><td>{escape(" ".join(student.flags)) or "-"}</td>'
                    "</tr>")
    return ('<div class="wide"><table class="sortable">\n' + head + "\n" + "\n".join(rows)
            + '\n</table></div>\n<p class="muted">Lowest total first; click a heading to sort '
            "by it. A topic shows the result counted for it, - where none counted.</p>")


# Sorting the students' table by a click on a heading: inline, so that the page still loads
# nothing and opens offline.
SORT_SCRIPT = """
document.querySelectorAll("table.sortable th").forEach(function (th, column) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), rows = Array.from(table.rows).slice(1);
    var up = th.dataset.up !== "1"; th.dataset.up = up ? "1" : "0";
    rows.sort(function (a, b) {
      var x = a.cells[column], y = b.cells[column];
      var p = x.dataset.sort, q = y.dataset.sort;
      var order = (p !== undefined && q !== undefined) ? Number(p) - Number(q)
                  : x.textContent.localeCompare(y.textContent);
      return up ? order : -order;
    });
    rows.forEach(function (row) { table.appendChild(row); });
  });
});
"""


def _reference_section(reference: Reference) -> str:
    suites = "the kit's suites" + (f" and the private suites in {reference.suites_dir}"
                                   if reference.suites_dir else "")
    solutions = (f"the reference solutions in {reference.solutions_dir}" if reference.solutions_dir
                 else "no reference solutions (copies were not looked for)")
    key = ("signatures checked with GRADER_SIGNING_KEY" if reference.signing_key
           else "no signing key set (signatures not checked)")
    return (f'<p class="muted">Compared with kit {escape(reference.kit_version)} (grader digest '
            f"{escape(reference.grader_digest[:12])}…), {escape(suites)}, {escape(solutions)}; "
            f"{escape(key)}.</p>")


def render(students: list[Student], reference: Reference, made_at: str, read: int,
           skipped: int) -> str:
    """The whole HTML page. read and skipped count the files behind it; made_at is shown."""
    totals = [100 * s.card["score"] / s.card["max_score"] for s in students if s.card["max_score"]]
    median_total = f"median total {statistics.median(totals):.0f}%" if totals else "no totals"
    topic_chart = charts.bar_chart([charts.Bar(r.label, r.fraction, r.note)
                                    for r in topic_pass_rates(students)], "Pass rate per topic")
    per_check = "\n".join(
        f"<h3>{escape(topic_id)}</h3>\n"
        + charts.bar_chart([charts.Bar(r.label, r.fraction, r.note) for r in rates],
                           f"Pass rate per check of {topic_id}")
        for topic_id, rates in check_pass_rates(students).items())
    sections = [
        _section("topics", "Pass rate per topic", topic_chart + '\n<p class="muted">Students '
                 "whose counted result passed the topic, of all the students.</p>"),
        _section("students", "Students", _students_section(students)),
        _section("distribution", "Score distribution",
                 charts.histogram(score_histogram(students), "Students per total score")
                 + '\n<p class="muted">Total score as a percentage of the maximum; '
                 f"{median_total}.</p>"),
        _section("speedups", "Measured speedups", _speedup_section(students)),
        _section("checks", "Pass rate per check", per_check + '\n<p class="muted">Skipped checks '
                 "are not counted.</p>"),
        _section("flags", "Flags", _flags_section(students)),
        _section("reference", "Reference", _reference_section(reference)),
    ]
    plural = "s" if len(students) != 1 else ""
    summary = (f"{len(students)} student{plural}, from {read} scorecard{'s' if read != 1 else ''} "
               f"read ({skipped} file{'s' if skipped != 1 else ''} skipped). "
               f"Made {escape(made_at)}.")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>Class report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f'<h1>Class report</h1>\n<p class="summary">{summary}</p>\n'
            + "\n".join(sections) + f"\n<script>{SORT_SCRIPT}</script>\n</body>\n</html>\n")
