"""why_processes that picks threads for CPU-heavy work."""
