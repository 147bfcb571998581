"""A pool created when the module is imported."""
