"""why_processes with threads where processes belong."""
