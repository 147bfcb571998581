"""pipeline that raises on a failure but leaves the other stages running."""
