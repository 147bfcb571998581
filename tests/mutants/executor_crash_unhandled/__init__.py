"""executor letting BrokenProcessPool out."""
