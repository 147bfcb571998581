"""interpreters whose send_each lets NotShareableError escape."""
