"""why_processes with one thread and one worker process, whatever workers says."""
