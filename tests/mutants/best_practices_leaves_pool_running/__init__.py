"""best_practices that never stops the pool after a timeout."""
