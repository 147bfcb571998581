"""`grade hint TOPIC`: the topic's hints one at a time, the one about a failed check first."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from grader.settings import SettingsError, resolve_target
from grader.student.hint_record import RECORD_PATH, HintRecordError, read_shown, write_shown
from grader.student.hints import WIDTH, format_all, format_hint, next_hint
from grader.student.last_run import LastRunError, NoLastRun, current_topic, last_results
from grader.student.topic_param import TOPIC
from grader.topics import Topic

NO_HINTS = ("{id} has no hints. Read the module docstring of exercises/{id}.py and what "
            "`grade {id}` says about each check.")
RECORD_UNREADABLE = ("Your hint record {path} cannot be read ({reason}), so it starts over: "
                     "hints you have seen may come again.")
RECORD_NOT_WRITTEN = ("Which hints you have seen could not be recorded in {path} ({reason}), so "
                      "this hint may come again. Make that folder writable to keep your place.")
MORE_TO_COME = ("{unseen} more to come: run `grade hint {id}` again for the next, or "
                "`grade hint {id} --all` for all of them.")
LAST_ONE = "That was the last hint for {id}; `grade hint {id} --all` shows them all again."
ALL_SEEN = ("You have seen all {count} hints for {id}; here they are again "
            "(`grade hint {id} --reset` starts over):")
ALL_HINTS = "The {count} hints for {id}, in the order they are given:"
FORGOTTEN = "Forgot the hints shown for {id}: `grade hint {id}` starts again from the first."
RESET_WITH_ALL = "--reset and --all do not go together: forget first, then ask with --all."


def failing_checks(topic: Topic, json_path: Path, folder: Path) -> tuple[str, ...]:
    """The topic's failing checks in the folder's last run, in suite order, when that run
    failed it."""
    try:
        result = last_results(json_path, folder).get(topic.id)
    except NoLastRun:
        return ()
    except LastRunError as error:
        click.echo(f"{error} Until then the hints come in their usual order.", err=True)
        return ()
    return result.failing_checks if result and not result.passed else ()


def _read_record() -> dict[str, set[int]]:
    try:
        return read_shown(RECORD_PATH)
    except HintRecordError as error:
        click.echo(RECORD_UNREADABLE.format(path=RECORD_PATH, reason=error), err=True)
        return {}


def _write_record(shown: dict[str, set[int]]) -> None:
    try:
        write_shown(shown, RECORD_PATH)
    except OSError as error:
        click.echo(RECORD_NOT_WRITTEN.format(path=RECORD_PATH,
                                             reason=error.strerror or error), err=True)


@click.command("hint")
@click.argument("topic", type=TOPIC, required=False)
@click.option("--all", "show_all", is_flag=True,
              help="Show every hint of the topic, numbered, the one about your failed check "
                   "marked.")
@click.option("--reset", is_flag=True, help="Forget which hints of the topic you have seen.")
@click.option("--target", default="exercises", show_default=True, metavar="PATH",
              help="The folder of topic modules whose last run says which check failed.")
@click.option("--json", "json_path", default="scorecard.json", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The scorecard of your last `grade` run, which says which check failed.")
def hint(topic: Topic | None, show_all: bool, reset: bool, target: str, json_path: Path) -> None:
    """Show the next hint for TOPIC (or the topic to work on now); ask again for the one after.

    Without TOPIC, the topic is the first one your last run did not pass, as `grade list`
    marks it. The hints about the checks that failed in your last run come first, then the
    others in order. Hints point the way; they never give the code. Which hints you have seen
    is kept in .grade/hints.json in this folder.
    """
    if reset and show_all:
        raise click.UsageError(RESET_WITH_ALL)
    try:
        folder = resolve_target(target).package_dir
    except SettingsError as error:
        raise click.UsageError(str(error)) from None
    topic = topic or current_topic(json_path, folder)
    shown = _read_record()
    if reset:
        shown.pop(topic.id, None)
        _write_record(shown)
        click.echo(FORGOTTEN.format(id=topic.id))
        return
    if not topic.hints:
        click.echo(NO_HINTS.format(id=topic.id))
        return
    failing = failing_checks(topic, json_path, folder)
    seen = shown.setdefault(topic.id, set())
    number = None if show_all else next_hint(topic, seen, failing)
    if number is None:
        heading = ALL_HINTS if show_all else ALL_SEEN
        click.echo(textwrap.fill(heading.format(count=len(topic.hints), id=topic.id), WIDTH))
        click.echo(format_all(topic, failing))
        seen.update(range(1, len(topic.hints) + 1))
    else:
        click.echo(format_hint(topic, number, failing))
        seen.add(number)
        unseen = sum(1 for n in range(1, len(topic.hints) + 1) if n not in seen)
        after = (MORE_TO_COME.format(unseen=unseen, id=topic.id) if unseen
                 else LAST_ONE.format(id=topic.id))
        click.echo(textwrap.fill(after, WIDTH))
    _write_record(shown)
