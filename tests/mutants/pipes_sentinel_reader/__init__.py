"""pipes whose reader waits for a sentinel instead of EOF."""
