"""`grade verify FILE...`: is each scorecard signed with the instructor's key and unchanged since,
and was it made by this kit's grader?"""

from __future__ import annotations

from pathlib import Path

import click

from grader.instructors.scorecard_files import NotAScorecard, load_scorecard
from grader.instructors.signing import KEY_ENV, signature_state, signing_key
from grader.reporting.integrity import grader_digest

SIGNATURE_WORDS = {
    "valid": "signature valid",
    "tampered": "signature does NOT match: the scorecard was changed after signing, or signed "
                "with another key",
    "unsigned": "NOT signed: it was made without the signing key, so anyone could have made it",
    "not checked": f"signature not checked ({KEY_ENV} is not set)",
}


def verification_line(card: dict, state: str, this_grader: str) -> str:
    """One line on a scorecard: its signature, its grader, and whom it grades."""
    grader = card.get("integrity", {}).get("grader")
    if grader == this_grader:
        grader_words = "grader identical to this kit's"
    elif grader is None:
        grader_words = "no grader digest (made before kit layout 1.2)"
    else:
        grader_words = (f"grader DIFFERS from this kit's (kit {card.get('kit_version')}): an edited "
                        "or another version of the grader made it")
    student = card.get("student") or {}
    who = student.get("login") or student.get("name") or "student unknown"
    commit = (student.get("commit") or "")[:12]
    return (f"{SIGNATURE_WORDS[state]}; {grader_words}; {who}"
            + (f" at commit {commit}" if commit else "") + f", {card['score']}/{card['max_score']}")


@click.command("verify")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def verify(files: tuple[Path, ...]) -> None:
    """Check the signature of each scorecard FILE with the key in GRADER_SIGNING_KEY, and
    whether this kit's grader made it.

    Exits 0 when every file is a scorecard with a valid signature, 1 otherwise; each file gets
    one line saying what was found. Without the key only the graders are compared (exit 0 when
    this kit's grader made every file), and the signatures are said not to be checked.
    """
    key = signing_key()
    if key is None:
        click.echo(f"{KEY_ENV} is not set: the signatures are not checked, only whether this "
                   "kit's grader made each scorecard. Set it to the key they were signed with to "
                   "check them.", err=True)
    this_grader = grader_digest()
    bad = 0
    for path in files:
        try:
            card = load_scorecard(path)
        except NotAScorecard as reason:
            click.echo(f"{path}: not checked: {reason}")
            bad += 1
            continue
        state = signature_state(card, key) if key is not None else "not checked"
        if key is not None:
            bad += state != "valid"
        else:
            bad += card.get("integrity", {}).get("grader") != this_grader
        click.echo(f"{path}: {verification_line(card, state, this_grader)}")
    if bad:
        click.echo(f"{bad} of {len(files)} file(s) failed verification.", err=True)
        raise SystemExit(1)
