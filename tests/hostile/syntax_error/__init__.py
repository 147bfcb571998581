"""A topic module that does not parse."""
