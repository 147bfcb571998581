"""Correct code that prints, in the grading process and in its pool workers."""
