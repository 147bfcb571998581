"""best_practices that swallows KeyboardInterrupt."""
