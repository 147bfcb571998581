"""why_processes whose threads are a plain loop."""
