"""Reporting: the scorecard, the printed summary, and the wording of verdicts and messages."""
