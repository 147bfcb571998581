"""pipeline that never notices a worker that was killed."""
