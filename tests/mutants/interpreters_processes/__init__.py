"""interpreters on processes instead."""
