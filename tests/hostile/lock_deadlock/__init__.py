"""Workers that take a lock and never give it back."""
