"""pipes whose reader stops when nothing arrives for a moment."""
