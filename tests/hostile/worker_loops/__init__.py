"""Workers that never finish their task."""
