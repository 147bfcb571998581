"""pipes whose ask() sends every request before reading any answer."""
