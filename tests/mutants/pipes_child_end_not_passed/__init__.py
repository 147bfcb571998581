"""pipes whose worker never gets the parent's end to close."""
