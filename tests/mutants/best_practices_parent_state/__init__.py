"""best_practices filling a module global in the parent only."""
