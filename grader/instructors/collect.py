"""`grade collect`: many scorecards in; the class gradebook (CSV) and class report (HTML) out."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import click

from grader.instructors import class_report
from grader.instructors.gradebook import build_gradebook, gradebook_csv, instructor_reference
from grader.instructors.scorecard_files import load_all
from grader.topics import topic_ids

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
@click.option("--require-separate-user", is_flag=True,
              help="Flag scorecards whose student code did not run as a separate user, or that "
                   "judged some topics inside the grading process (your trusted runs must not).")
def collect(paths, csv_path, html_path, suites_dir, solutions_dir, require_separate_user):
    """Collect scorecards into a class gradebook and report.

    PATHS are scorecard files, or folders searched for *.json files at any depth. A student with
    several scorecards (by login, else name, else repository, else file) keeps the one generated
    last. Files that are not scorecards are skipped with the reason. Flags compare each scorecard
    with this copy of the kit. Exit status 0 when at least one scorecard was read, else 1.
    """
    _require_topic_files(suites_dir, "test_{}.py", "--suites")
    _require_topic_files(solutions_dir, "{}.py", "--solutions")
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
    students = build_gradebook(loaded, reference)
    made_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    _write(csv_path, gradebook_csv(students))
    _write(html_path, class_report.render(students, reference, made_at, len(loaded), len(skipped)))

    unchecked = sum(1 for s in students if s.signature == "unchecked")
    if unchecked:
        click.echo(UNCHECKED.format(count=unchecked))
    if reference.solutions_dir is None:
        click.echo(NO_SOLUTIONS)
    flagged = sum(1 for s in students if s.flags)
    click.echo(f"{len(loaded)} scorecard(s) read, {len(skipped)} skipped: {len(students)} "
               f"student(s), {flagged} flagged. Wrote {csv_path} and {html_path}.")
