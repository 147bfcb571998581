"""A topic module whose import never finishes."""
