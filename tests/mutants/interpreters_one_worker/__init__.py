"""interpreters on a pool of one interpreter."""
