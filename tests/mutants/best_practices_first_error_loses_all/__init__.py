"""best_practices where the first error loses every result."""
