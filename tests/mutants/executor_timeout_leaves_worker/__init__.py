"""executor giving up on a stuck task without stopping its worker."""
