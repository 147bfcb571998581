"""executor written with done-callbacks, and kill_workers() or Process.kill() for the timeout."""
