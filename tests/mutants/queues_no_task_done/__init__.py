"""queues whose consumers never call task_done()."""
