"""The `grade` command: declares its options and dispatches to the runner and the scorecard."""

from __future__ import annotations

import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import click

from grader import report
from grader.outcomes import TopicRun
from grader.runner import run_topic
from grader.scorecard import build_scorecard, write_atomically
from grader.settings import (Settings, SettingsError, resolve_cpus, resolve_start_method,
                             resolve_target)
from grader.topics import all_topics, get_topic, topic_ids


def _choose_topics(names: tuple[str, ...]):
    unknown = [name for name in names if name not in topic_ids()]
    if unknown:
        raise click.UsageError(f"unknown topic {', '.join(unknown)}. "
                               f"Valid topics: {', '.join(topic_ids())}.")
    if not names:
        return all_topics()
    return tuple(get_topic(name) for name in topic_ids() if name in names)


def _grade_one(topic, settings: Settings) -> TopicRun:
    try:
        return run_topic(topic, settings)
    except Exception as error:  # noqa: BLE001 - a grader bug must not lose the other topics
        return TopicRun(topic=topic, checks=(), problem="error",
                        message=f"The grader itself failed on this topic ({error!r}); please "
                                "report it with the output above.")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
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
def main(topics, target, json_path, start_method, fail_under, check_timeout, deadline, cpus):
    """Grade the multiprocessing exercises and write a JSON scorecard.

    Grades every TOPIC named, in lesson order, or all of them when none is named. The exit
    status is 0 whenever grading ran, whatever the score (1 below --fail-under, 2 for a usage
    error).
    """
    chosen = _choose_topics(topics)
    try:
        settings = Settings(
            topics=chosen, target=resolve_target(target), json_path=json_path,
            start_method=resolve_start_method(start_method), cpus=resolve_cpus(cpus),
            check_timeout_s=check_timeout, deadline_s=deadline, fail_under=fail_under,
        )
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    click.echo(settings.describe(), err=True)

    generated_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    started = time.monotonic()
    runs = []
    try:
        for number, topic in enumerate(settings.topics, start=1):
            click.echo(f"[{number}/{len(settings.topics)}] grading {topic.id} ...", err=True, nl=False)
            runs.append(_grade_one(topic, settings))
            click.echo(f" {runs[-1].duration_s:.1f} s", err=True)
    except KeyboardInterrupt:
        click.echo("\nInterrupted: the scorecard holds the topics graded so far.", err=True)
        interrupted = True
    else:
        interrupted = False
    scorecard = build_scorecard(runs, settings, generated_at, time.monotonic() - started)
    write_atomically(scorecard, settings.json_path)
    click.echo(report.render(scorecard, str(settings.json_path)))

    if interrupted:
        sys.exit(130)
    percent = 100 * scorecard["score"] / scorecard["max_score"] if scorecard["max_score"] else 0
    if settings.fail_under is not None and percent < settings.fail_under:
        click.echo(f"Score {percent:.0f}% is below --fail-under {settings.fail_under:g}%.", err=True)
        sys.exit(1)
