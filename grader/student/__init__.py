"""The student's loop: progress, hints, reset and watch mode."""
