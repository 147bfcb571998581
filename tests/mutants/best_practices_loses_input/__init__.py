"""best_practices reporting errors without their input."""
