"""The progress table of `grade list`, rendered from topics and their last results alone."""

from __future__ import annotations

from grader.reporting.report import next_step
from grader.student.last_run import TopicResult, next_topic
from grader.topics import Topic

BAR_WIDTH = 20
NOT_GRADED_YET = "not graded yet"
KEPT_BY_INSTRUCTOR = "graded by your instructor"


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """A bar like `[#####---------------] 5/20 done`; full only when everything is done."""
    filled = width * done // total if total else 0
    return f"[{'#' * filled}{'-' * (width - filled)}] {done}/{total} done"


def _score_cell(topic: Topic, result: TopicResult | None, kept: bool) -> tuple[str, str]:
    if kept:
        return "-", KEPT_BY_INSTRUCTOR
    if result is None:
        return f"0/{topic.points}", NOT_GRADED_YET
    return f"{result.score}/{result.max_score}", result.status.replace("_", " ")


def render_progress(topics: tuple[Topic, ...], results: dict[str, TopicResult],
                    kept_private: frozenset[str] = frozenset()) -> str:
    """Every topic in lesson order with its last score, the next one marked `>`, then the bar,
    the score total and the next step.

    kept_private names the topics whose suite the instructor keeps: they are shown but neither
    counted nor proposed, since they cannot be graded here.
    """
    upcoming = next_topic(topics, results, kept_private)
    id_width = max((len(topic.id) for topic in topics), default=0)
    lines = []
    for topic in topics:
        score, status = _score_cell(topic, results.get(topic.id), topic.id in kept_private)
        mark = ">" if upcoming is not None and topic.id == upcoming.id else " "
        lines.append(f"{mark} {topic.id:<{id_width}}  {score:>5}  {status:<14}  {topic.title}")

    counted = [topic for topic in topics if topic.id not in kept_private]
    done = sum(1 for topic in counted if topic.id in results and results[topic.id].passed)
    score = sum(results[topic.id].score for topic in counted if topic.id in results)
    most = sum(results[topic.id].max_score if topic.id in results else topic.points
               for topic in counted)
    percent = 100 * score / most if most else 0.0
    lines.append("")
    lines.append(f"Progress: {progress_bar(done, len(counted))}, score {score}/{most} "
                 f"({percent:.0f}%)")
    lines.append(next_step(upcoming.id if upcoming else None))
    return "\n".join(lines)
