"""executor collecting results in the order they were submitted."""
