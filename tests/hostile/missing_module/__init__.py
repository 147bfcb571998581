"""A target with no topic modules at all."""
