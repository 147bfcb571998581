"""How long the grader waits for what it has asked of the student's side, in a few tiers (as
CPython's tests name SHORT_TIMEOUT and LONG_TIMEOUT), chosen by what is awaited.

Each leaves room for a busy 2-core machine. A wait that runs out is evidence (a thread or process
left running, a question left unanswered), never a hang of the grader's. What a check measures
(its pauses, tolerances and work) is not a wait: those are set in each suite, with their reason.
"""

# Threads, interpreters or idle workers to end once the call or shutdown that held them returned.
ENDING_S = 0.5
# Processes to be gone once they were stopped, or told to close.
STOPPING_S = 1.0
# The student's process to answer a question of the grader's (which processes it started), or
# a kill to take effect.
ANSWERING_S = 2.0
