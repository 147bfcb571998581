"""interpreters computing every item in the calling interpreter."""
