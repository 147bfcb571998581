"""`grade list`: every topic with its last score, a progress bar and the next topic to work on."""

from __future__ import annotations

from pathlib import Path

import click

from grader.settings import SettingsError, resolve_target
from grader.student.last_run import LastRunError, last_results
from grader.student.progress_table import render_progress
from grader.topics import LESSON, topics_of_track, tracks, unknown_track_message


@click.command("list")
@click.option("--target", default="exercises", show_default=True, metavar="PATH",
              help="The folder of topic modules whose scores to show: exercises, or a path.")
@click.option("--track", default=LESSON, show_default=True, metavar="NAME",
              help="The track whose topics to show.")
@click.option("--json", "json_path", default="scorecard.json", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The scorecard of your last `grade` run, where the scores are read from.")
def list_topics(target: str, track: str, json_path: Path) -> None:
    """Show each topic's last score, your progress and the topic to do next.

    Topics come in lesson order, with the scores of the last scorecard: nothing is graded
    again. Run `grade TOPIC` to update a score.
    """
    try:
        folder = resolve_target(target).package_dir
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    try:
        results = last_results(json_path, folder)
    except LastRunError as error:
        click.echo(f"{error} Until then every topic shows 0.", err=True)
        results = {}
    if track not in tracks():
        raise click.UsageError(unknown_track_message(track))
    topics = topics_of_track(track)
    kept = frozenset(topic.id for topic in topics if topic.kept_by_instructor)
    click.echo(render_progress(topics, results, kept))
