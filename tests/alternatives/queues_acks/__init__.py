"""queues with Process subclasses, and an acknowledgement queue instead of task_done() and join()."""
