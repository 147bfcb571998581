"""`grade collect`: many scorecards in; the class gradebook (CSV) and class report (HTML) out."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import click

from grader.instructors import class_report, lms
from grader.instructors.gradebook import build_gradebook, gradebook_csv, instructor_reference
from grader.instructors.merge import PICKS, Policy, parse_time
from grader.instructors.scorecard_files import load_all
from grader.topics import (get_topic, topic_ids, topics_of_track, tracks, unknown_topic_message,
                           unknown_track_message)

NOTHING_READ = "No scorecard was read, so nothing was written."
UNCHECKED = ("{count} signed scorecard(s) could not be checked: set GRADER_SIGNING_KEY to the key "
             "they were signed with.")
NO_SOLUTIONS = ("No solutions folder (--solutions): graded files are not compared with the "
                "reference solutions.")
FOLDER = click.Path(exists=True, file_okay=False, path_type=Path)
OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)


def _require_topic_files(folder: Path | None, pattern: str, option: str) -> None:
    """A usage error unless the folder holds a file for at least one of the kit's topics."""
    if folder is not None and not any((folder / pattern.format(t)).is_file() for t in topic_ids()):
        raise click.BadParameter(f"{folder} holds no {pattern.format('<topic>')} for any of the "
                                 "kit's topics.", param_hint=option)


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"Cannot write {path}: {error.strerror or error}") from None


GRADEBOOK_OPTIONS = [
    click.option("--require-separate-user", is_flag=True,
                 help="Flag scorecards whose student code did not run as a separate user, or "
                      "that judged some topics inside the grading process (your trusted runs "
                      "must not)."),
    click.option("--policy", "pick", type=click.Choice(PICKS), default="best", show_default=True,
                 help="Which of a student's results counts for a topic: the best, or the "
                      "latest."),
    click.option("--before", metavar="TIME",
                 help="The deadline (ISO 8601, e.g. 2026-12-18T23:59+01:00): scorecards whose "
                      "graded commit (else whose run) is at or after it do not count."),
    click.option("--topics", "course", metavar="IDS",
                 help="The course's topics, comma-separated: the total is out of theirs "
                      "[default: the lesson's]."),
    click.option("--track", metavar="NAME",
                 help="The course's topics are those of this track (modern, say) rather than the "
                      "lesson's; not with --topics."),
    click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                 help="A CSV of login,lms_id (name, section optional): also writes the Canvas "
                      "and Moodle import files and a file of flags beside the gradebook."),
]


def gradebook_options(command):
    """The options that shape the gradebook, shared by `grade collect` and `grade class`."""
    for option in reversed(GRADEBOOK_OPTIONS):
        command = option(command)
    return command


@click.command("collect")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--csv", "csv_path", default="gradebook.csv", show_default=True, type=OUTPUT,
              help="Where to write the gradebook: one row per student.")
@click.option("--html", "html_path", default="class-report.html", show_default=True, type=OUTPUT,
              help="Where to write the class report: one page of charts that opens offline.")
@click.option("--suites", "suites_dir", type=FOLDER,
              help="Your private suites (test_<topic>.py): scorecards graded by them are not "
                   "flagged as graded by edited suites.")
@click.option("--solutions", "solutions_dir", type=FOLDER,
              help="Reference solutions (<topic>.py) to flag graded files identical to them "
                   "[default: the kit's solutions/ when it exists].")
@gradebook_options
def collect(paths, csv_path, html_path, suites_dir, solutions_dir, require_separate_user, pick,
            before, course, track, roster):
    """Collect scorecards into a class gradebook and report.

    PATHS are scorecard files, or folders searched for *.json files at any depth. A student's
    scorecards (by login, else name, else repository, else file) are merged topic by topic: the
    best or the latest result of each (--policy), before the deadline (--before). A scorecard
    flagged as untrustworthy (an edited grader or suite, a bad signature, a copied solution, a
    missing separate user when required) is shown and never counted. Files that are not
    scorecards are skipped with the reason. Exit status 0 when at least one scorecard was read,
    else 1.
    """
    _require_topic_files(suites_dir, "test_{}.py", "--suites")
    _require_topic_files(solutions_dir, "{}.py", "--solutions")
    policy = gradebook_policy(pick, before, course, track)
    enrolled = _roster(roster)
    loaded, skipped = load_all(paths)
    for item in loaded:
        click.echo(f"read     {item.path}")
    for item in skipped:
        click.echo(f"skipped  {item.path}: {item.reason}")
    if not loaded:
        click.echo(NOTHING_READ, err=True)
        raise SystemExit(1)

    reference = replace(instructor_reference(suites_dir, solutions_dir),
                        require_separate_user=require_separate_user)
    students = build_gradebook(loaded, reference, policy)
    made_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    _write(csv_path, gradebook_csv(students))
    _write(html_path, class_report.render(students, reference, made_at, len(loaded), len(skipped)))
    lms_files = []
    if enrolled is not None:
        for suffix, text in (("canvas", lms.canvas_csv(students, enrolled, policy)),
                             ("moodle", lms.moodle_csv(students, enrolled, policy)),
                             ("flags", lms.flags_csv(students, enrolled))):
            path = csv_path.with_name(f"{csv_path.stem}-{suffix}.csv")
            _write(path, text)
            lms_files.append(str(path))

    unchecked = sum(1 for s in students if s.signature == "unchecked")
    if unchecked:
        click.echo(UNCHECKED.format(count=unchecked))
    if reference.solutions_dir is None:
        click.echo(NO_SOLUTIONS)
    flagged = sum(1 for s in students if s.flags)
    written = ", ".join([str(csv_path), str(html_path), *lms_files])
    click.echo(f"{len(loaded)} scorecard(s) read, {len(skipped)} skipped: {len(students)} "
               f"student(s), {flagged} flagged. Wrote {written}.")


def gradebook_policy(pick: str, before: str | None, course: str | None,
                     track: str | None = None) -> Policy:
    """The merge policy from the options' values; click.BadParameter or click.UsageError when
    one is wrong."""
    deadline = None
    if before:
        try:
            deadline = parse_time(before)
        except ValueError:
            raise click.BadParameter(f"{before!r} is not an ISO 8601 time, such as "
                                     "2026-12-18T23:59+01:00.", param_hint="--before") from None
    topics = ()
    if course:
        ids = [name.strip() for name in course.split(",") if name.strip()]
        unknown = [name for name in ids if name not in topic_ids()]
        if unknown or not ids:
            raise click.BadParameter(unknown_topic_message(unknown) if unknown
                                     else "name at least one topic.", param_hint="--topics")
        topics = tuple(get_topic(name) for name in dict.fromkeys(ids))
    if track is not None:
        if course:
            raise click.UsageError("--topics and --track both name the course's topics: give one.")
        if track not in tracks():
            raise click.UsageError(unknown_track_message(track))
        topics = topics_of_track(track)
    return Policy(pick, deadline, topics)


def _roster(path: Path | None) -> list[lms.Enrolled] | None:
    if path is None:
        return None
    try:
        return lms.read_roster(path)
    except lms.RosterError as error:
        raise click.BadParameter(str(error), param_hint="--roster") from None
