"""Instruments that watch the student's code from inside its own process.

What they report is the student's process speaking about itself: the grader uses it to word a
message (which Process was left running, which call a task was in), never to award a point.
"""
