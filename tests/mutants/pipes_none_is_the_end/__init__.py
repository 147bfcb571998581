"""pipes whose worker stops at a None request."""
