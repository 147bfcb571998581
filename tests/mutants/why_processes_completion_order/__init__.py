"""why_processes whose threads return results in the order they finish."""
