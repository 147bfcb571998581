"""interpreters whose send_each gives None for what cannot cross."""
