"""process_basics with threads instead of child processes."""
