"""The kit's code that runs in the student's processes, never in the grader's.

The grader starts the student's code in a process of its own and reaches it only through the
agent here: it sends calls, and answers come back as plain data (see `wire`). The tasks, shared
objects and instruments that checks hand to student code live here too, because they must run
where the student's code runs. Nothing here judges anything, and nothing here is trusted: what
it reports may shape a message, never award a point.
"""
