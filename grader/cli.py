"""The `grade` command: declares its options and dispatches to the runner and the scorecard."""

from __future__ import annotations

import difflib
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import click

from grader.reporting import report
from grader.running.outcomes import TopicRun
from grader.running.progress import ProgressLine
from grader.running.runner import run_topic
from grader.reporting.scorecard import build_scorecard, check_writable, write_atomically
from grader.reporting.shown_output import MAX_CHECK_OUTPUT_LINES
from grader.settings import (Settings, SettingsError, require_topic_modules, resolve_cpus,
                             resolve_start_method, resolve_target)
from grader.topics import all_topics, get_topic, topic_ids

# Exit statuses besides 0 (graded) and click's 2 (usage error); the command's help lists them.
EXIT_BELOW_FAIL_UNDER = 1
EXIT_SCORECARD_NOT_WRITTEN = 3
EXIT_INTERRUPTED = 130
JSON_NOT_WRITABLE = (
    "--json {path}: a scorecard cannot be written there ({reason}). Give a path in a folder "
    "you can write to."
)


class GradeCommand(click.Command):
    """The `grade` command, whose help also lists the topics, as topics.toml orders them."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help_text(ctx, formatter)
        with formatter.section("Topics, in lesson order"):
            formatter.write_dl([(topic.id, topic.title) for topic in all_topics()])


def _unknown(name: str) -> str:
    close = difflib.get_close_matches(name, topic_ids(), n=1)
    return f"{name} (did you mean {close[0]}?)" if close else name


def _choose_topics(names: tuple[str, ...]):
    unknown = [name for name in names if name not in topic_ids()]
    if unknown:
        raise click.UsageError(f"unknown topic {', '.join(_unknown(name) for name in unknown)}. "
                               f"Valid topics: {', '.join(topic_ids())}.")
    if not names:
        return all_topics()
    return tuple(get_topic(name) for name in topic_ids() if name in names)


def _grade_one(topic, settings: Settings, progress: ProgressLine) -> TopicRun:
    try:
        return run_topic(topic, settings, on_progress=progress.check_running)
    except Exception as error:  # noqa: BLE001 - a grader bug must not lose the other topics
        return TopicRun(topic=topic, checks=(), problem="error",
                        message=f"The grader itself failed on this topic ({error!r}); please "
                                "report it with the output above.")


@click.command(cls=GradeCommand, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("topics", nargs=-1, metavar="[TOPIC]...")
@click.option("--target", default="exercises", show_default=True,
              help="What to grade: exercises, solutions, or the path of a folder of topic modules.")
@click.option("--json", "json_path", default="scorecard.json", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Where to write the scorecard.")
@click.option("--start-method", type=click.Choice(["fork", "spawn", "forkserver"]),
              envvar="GRADER_START_METHOD", show_envvar=True,
              help="Start method for your code [default: forkserver where offered, else spawn; "
                   "fork only when asked for, since it hides code that fails on macOS and Windows].")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="PERCENT",
              help="Exit with status 1 when the total score is below this percentage.")
@click.option("--check-timeout", envvar="GRADER_CHECK_TIMEOUT", type=click.FloatRange(min=1),
              show_envvar=True, metavar="SECONDS",
              help="How long any one check may run before it is stopped [default: each check's "
                   "own limit, a few times what it needs].")
@click.option("--deadline", envvar="GRADER_DEADLINE", type=click.FloatRange(min=5), show_envvar=True,
              metavar="SECONDS",
              help="Hard limit on one topic's whole suite [default: the topic's own].")
@click.option("--cpus", envvar="GRADER_USABLE_CPUS", type=click.IntRange(min=1), show_envvar=True,
              metavar="N",
              help="Grade as if only N CPUs were usable (to see what a smaller machine gets).")
@click.option("-v", "--verbose", is_flag=True,
              help="Show under each check what your code printed during it (stdout and stderr, "
                   f"the last {MAX_CHECK_OUTPUT_LINES} lines of each), and keep it in the "
                   "scorecard.")
def main(topics, target, json_path, start_method, fail_under, check_timeout, deadline, cpus,
         verbose):
    """Grade the multiprocessing exercises and write a JSON scorecard.

    Grades every TOPIC named, in lesson order, or all of them when none is named. The exit
    status is 0 whenever grading ran, whatever the score; 1 below --fail-under, 2 for a usage
    error, 3 when the scorecard could not be written (the table still shows the scores), 130
    when interrupted with Ctrl-C (the scorecard marks the topics not graded).
    """
    chosen = _choose_topics(topics)
    try:
        settings = Settings(
            topics=chosen, target=resolve_target(target), json_path=json_path,
            start_method=resolve_start_method(start_method), cpus=resolve_cpus(cpus),
            check_timeout_s=check_timeout, deadline_s=deadline, fail_under=fail_under,
            verbose=verbose,
        )
        require_topic_modules(settings.target, all_topics())
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    try:
        check_writable(settings.json_path)
    except OSError as error:
        raise click.UsageError(JSON_NOT_WRITABLE.format(
            path=settings.json_path, reason=error.strerror or error)) from None
    click.echo(settings.describe(), err=True)

    generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    started = time.monotonic()
    runs = []
    progress = ProgressLine(sys.stderr)
    try:
        for number, topic in enumerate(settings.topics, start=1):
            progress.topic_started(number, len(settings.topics), topic.id)
            runs.append(_grade_one(topic, settings, progress))
            progress.topic_finished(runs[-1].duration_s)
    except KeyboardInterrupt:
        click.echo("\nInterrupted: the topics not graded yet count 0 and are marked not_graded.",
                   err=True)
        interrupted = True
    else:
        interrupted = False
    # A Ctrl-C after the last topic was graded leaves a complete scorecard, not a partial one.
    scorecard = build_scorecard(runs, settings, generated_at, time.monotonic() - started,
                                interrupted=len(runs) < len(settings.topics))
    try:
        write_atomically(scorecard, settings.json_path)
        write_error = None
    except OSError as error:
        write_error = error.strerror or str(error)
    click.echo(report.render(scorecard, str(settings.json_path), write_error))

    if interrupted:
        sys.exit(EXIT_INTERRUPTED)
    if write_error:
        sys.exit(EXIT_SCORECARD_NOT_WRITTEN)
    percent = 100 * scorecard["score"] / scorecard["max_score"] if scorecard["max_score"] else 0
    if settings.fail_under is not None and percent < settings.fail_under:
        click.echo(f"Score {percent:.0f}% is below --fail-under {settings.fail_under:g}%.", err=True)
        sys.exit(EXIT_BELOW_FAIL_UNDER)
