"""executor with one worker process."""
