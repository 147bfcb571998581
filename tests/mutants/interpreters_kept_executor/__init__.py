"""interpreters keeping one executor for every call."""
