"""interpreters on threads of one interpreter."""
