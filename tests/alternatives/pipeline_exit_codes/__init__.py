"""pipeline that learns of every failure from the stages' exit codes, with a bounded task queue."""
