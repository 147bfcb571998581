"""A topic module that raises at import."""
