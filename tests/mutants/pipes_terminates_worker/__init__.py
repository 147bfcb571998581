"""pipes whose ask() terminates the worker instead of closing its end."""
