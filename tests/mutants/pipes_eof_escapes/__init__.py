"""pipes whose worker does not catch EOFError."""
