"""why_processes whose threads are processes."""
