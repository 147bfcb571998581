"""Every check is seen to fail: each known-wrong version is caught by the check meant for it,
with a message that says what happened, while the checks it should pass still pass."""

import re

import pytest

from grader.measuring import task_desk
from grader.topics import all_topics
from tests.conftest import MUTANTS

# mutant package -> (topic, {failing check: words its message must contain}, checks to ignore)
CASES = {
    "pool_map_serial": ("pool_map", {"speedup": "inside the calling process"}, ()),
    "pool_map_threads": ("pool_map", {"speedup": "threads",
                                      "small_tasks_are_chunked": "calling process"}, ()),
    "pool_map_apply_loop": ("pool_map", {"speedup": "never two at once"}, ()),
    "pool_map_one_chunk": ("pool_map", {"speedup": "single worker process",
                                        "small_tasks_are_chunked": "one worker did everything"}, ()),
    "pool_map_chunk_per_item": ("pool_map", {"small_tasks_are_chunked": "separate messages"}, ()),
    "pool_map_one_worker": ("pool_map", {"speedup": "single worker process",
                                         "small_tasks_are_chunked": "went to 1 worker process"}, ()),
    # Parallel in structure, so only the stopwatch, set beside the kit's own run, catches it.
    "pool_map_unbalanced": ("pool_map", {"speedup": "below the"}, ()),
    # Passes under fork; under the default start method it fails as it would on macOS.
    "pool_map_lambda": ("pool_map", {"results_in_order": "defined at module level",
                                     "speedup": "defined at module level"}, ()),
    "pool_map_wrong_answer": ("pool_map", {"results_in_order": "39 items instead of 40",
                                           "speedup": "Only 7 of the 8 tasks ran",
                                           "chunksize_rule": "choose_chunksize(1000, 4)"}, ()),
    # A hang is called as soon as the kernel shows that nothing of the student's is running
    # (Linux, where the grader keeps a desk for the tasks' word that they pause on purpose);
    # elsewhere at the check's limit.
    "pool_map_waits_forever": ("pool_map", {
        name: "None of your processes ran" if task_desk.desk_possible() else "Did not finish"
        for name in ("results_in_order", "speedup", "small_tasks_are_chunked")}, ()),
    # The pool's workers idle while the caller spins; the chunk check's 20,000 separate tasks
    # may keep the workers busy up to its limit.
    "pool_map_polls_forever": ("pool_map", {
        name: "kept looping" if task_desk.desk_possible() else "Did not finish"
        for name in ("results_in_order", "speedup")}, ("small_tasks_are_chunked",)),
    # Once the grader kills the leaked pool's idle workers the pool is broken (a worker killed
    # while waiting holds the pool's queue lock), so later checks fail or hang in varying ways.
    "pool_map_leaky": ("pool_map", {"results_in_order": "left 2 process(es) running"},
                       ("speedup", "chunksize_rule", "small_tasks_are_chunked")),
    # Without join() the work also seems not to run at all, so the speedup check fails too.
    "process_basics_no_join": ("process_basics", {"exit_codes": "None instead of"},
                               ("processes_run_together",)),
    "process_basics_serial": ("process_basics", {"processes_run_together": "never two at once"}, ()),
    "process_basics_threads": ("process_basics", {"results_from_children": "calling process itself"}, ()),
    # Results in the order children finished: the 1 MB results finish in any order, so that
    # check may or may not notice.
    "process_basics_wrong_answer": ("process_basics", {"results_from_children": "first difference"},
                                    ("large_results_do_not_deadlock",)),
    "process_basics_leaky": ("process_basics", {"deadline_stops_hung_child": "left 1 process"}, ()),
    "process_basics_no_deadline": ("process_basics", {"deadline_stops_hung_child": "Did not finish"}, ()),
    "process_basics_terminate_no_join": ("process_basics", {"deadline_stops_hung_child": "never joined"}, ()),
    # Small results fit in the pipe's buffer, so only the 1 MB results deadlock.
    "process_basics_join_first": ("process_basics", {
        "large_results_do_not_deadlock": "joining processes that use queues"}, ()),
    "process_basics_one_child": ("process_basics", {"processes_run_together": "single worker process",
                                                    "exit_codes": "first difference"}, ()),
    # Without the amplifier an unlocked counter may or may not lose updates: only the race
    # checks make a promise about it.
    "shared_values_unlocked": ("shared_values", {
        "counter_has_no_lost_updates": "increments were lost",
        "histogram_has_no_lost_updates": "increments were lost"},
        ("counter_total", "histogram_counts")),
    "shared_values_threads": ("shared_values", {
        "counter_total": "process that called your function",
        "histogram_counts": "process that called your function",
        "counter_has_no_lost_updates": "process that called your function",
        "histogram_has_no_lost_updates": "process that called your function"},
                              ()),
    "shared_values_wrong_answer": ("shared_values", {"histogram_counts": "first difference"}, ()),
    "executor_submission_order": ("executor", {
        "results_in_completion_order": "not in the order you submitted"}, ()),
    "executor_stringified_errors": ("executor", {"errors_reach_the_caller": "not the exception itself"}, ()),
    "executor_swallowed_errors": ("executor", {"errors_reach_the_caller": "are not in errors"}, ()),
    "executor_cancel_too_late": ("executor", {"cancel_what_has_not_started": "ran anyway"}, ()),
    "executor_timeout_waits": ("executor", {"timeout_stops_the_worker": "waits for running tasks"}, ()),
    "executor_timeout_leaves_worker": ("executor", {
        "timeout_stops_the_worker": "never stop a task that has started"}, ()),
    "executor_one_worker": ("executor", {"speedup": "single worker process"}, ()),
    "executor_threads": ("executor", {"results_in_completion_order": "calling process itself",
                                      "speedup": "threads",
                                      "errors_reach_the_caller": "calling process itself",
                                      "cancel_what_has_not_started": "calling process itself"}, ()),
    "executor_crash_unhandled": ("executor", {"broken_pool_is_reported": "came out of your function"}, ()),
    "executor_crash_pool_hangs": ("executor", {"broken_pool_is_reported": "never notices"}, ()),
    "map_reduce_in_parent": ("map_reduce", {"speedup": "inside the calling process"}, ()),
    "map_reduce_one_chunk": ("map_reduce", {"speedup": "single worker process"}, ()),
    "map_reduce_one_worker": ("map_reduce", {"speedup": "single worker process"}, ()),
    "map_reduce_threads": ("map_reduce", {"speedup": "threads"}, ()),
    "map_reduce_merge_overwrites": ("map_reduce", {"merge_adds_counts": "overwrites",
                                                   "word_count_matches_counter": "for example",
                                                   "speedup": "added, not overwritten"}, ()),
    "map_reduce_split_tokens": ("map_reduce", {"count_words_follows_the_rule": "The rule: lowercase",
                                               "word_count_matches_counter": "for example"}, ()),
    # The kit's corpora have an even number of lines, so only the odd cases lose lines.
    "map_reduce_drops_remainder": ("map_reduce", {
        "chunks_cover_the_lines": "joined back together",
        "word_count_matches_counter": "fewer lines than workers"}, ()),
    "shared_memory_serial": ("shared_memory", {"speedup": "inside the calling process",
                                               "transform_result": "calling process itself"}, ()),
    "shared_memory_one_worker": ("shared_memory", {"speedup": "single worker process"}, ()),
    # Sending 8 MB through a pipe may or may not cost the speedup on a given run; when a worker
    # fails, this version waits on its queue for a result that never comes.
    "shared_memory_copies_data": ("shared_memory", {
        "workers_get_the_name_not_the_data": "the data itself travelled"},
        ("speedup", "segment_released_when_a_worker_fails")),
    "shared_memory_wrong_answer": ("shared_memory", {"transform_result": "were not transformed"}, ()),
    "shared_memory_not_copied_in": ("shared_memory", {
        "shared_array_holds_the_values": "not a view on shm.buf"}, ()),
    # Where /dev/shm can be listed, the leftover guard also fails the other checks that leave a
    # segment behind; the two checks named here see it on every platform.
    "shared_memory_forgot_unlink": ("shared_memory", {
        "segment_is_closed_and_unlinked": "never unlinked",
        "segment_released_when_a_worker_fails": "never unlinked"},
        ("transform_result", "workers_get_the_name_not_the_data", "speedup")),
    "shared_memory_forgot_close": ("shared_memory", {
        "segment_is_closed_and_unlinked": "never closed",
        "segment_released_when_a_worker_fails": "never closed"}, ()),
    "shared_memory_no_finally": ("shared_memory", {
        "segment_released_when_a_worker_fails": "never unlinked"}, ()),
    # A pool always pickles its tasks, so a local function fails under every start method.
    "best_practices_lambda": ("best_practices", {
        "errors_keep_their_input": "defined at module level",
        "works_under_every_start_method": "defined at module level",
        "ctrl_c_stops_the_workers": "could not be tried"}, ()),
    # Passes under fork, where the workers inherit the parent's global.
    "best_practices_parent_state": ("best_practices", {
        "table_goes_to_each_worker_once": "initializer",
        "works_under_every_start_method": "worked under fork"}, ()),
    # Wrong alike under every start method: only the check about that behaviour fails.
    "best_practices_loses_input": ("best_practices", {
        "errors_keep_their_input": "with the input that caused it"}, ()),
    "best_practices_first_error_loses_all": ("best_practices", {
        "errors_keep_their_input": "must not lose the others"}, ()),
    "best_practices_swallows_ctrl_c": ("best_practices", {
        "ctrl_c_stops_the_workers": "never reached the caller"}, ()),
    "best_practices_no_with": ("best_practices", {"ctrl_c_stops_the_workers": "were still running"}, ()),
    "best_practices_waits_for_stuck": ("best_practices", {
        "timeout_cuts_off_a_stuck_task": "close() and join() wait"}, ()),
    "best_practices_timeout_per_item": ("best_practices", {
        "timeout_cuts_off_a_stuck_task": "not once per item"}, ()),
    "best_practices_leaves_pool_running": ("best_practices", {
        "timeout_cuts_off_a_stuck_task": "were still running"}, ()),
    "best_practices_table_per_task": ("best_practices", {
        "table_goes_to_each_worker_once": "copies of the table"}, ()),
    "why_processes_threads_for_processes": ("why_processes", {
        "processes_speed_up_cpu_work": "take turns on the GIL"}, ()),
    "why_processes_serial_threads": ("why_processes", {
        "threads_take_turns_on_cpu_work": "one after another on a single thread",
        "threads_speed_up_waiting": "ran one after another"}, ()),
    "why_processes_one_worker": ("why_processes", {
        "processes_speed_up_cpu_work": "single worker process",
        "threads_take_turns_on_cpu_work": "one after another on a single thread",
        "threads_speed_up_waiting": "ran one after another"}, ()),
    "why_processes_threads_are_processes": ("why_processes", {
        "threads_take_turns_on_cpu_work": "other process(es)",
        "threads_speed_up_waiting": "other process(es)"}, ()),
    # Tasks of equal length finish in any order, so the other checks may or may not notice.
    "why_processes_completion_order": ("why_processes", {"same_results_every_way": "first difference"},
                                       ("threads_take_turns_on_cpu_work", "threads_speed_up_waiting")),
    "why_processes_wrong_table": ("why_processes", {
        "tool_for_each_workload": "choose_tool('CPU-heavy calculation')"}, ()),
    "why_processes_vague_error": ("why_processes", {
        "tool_for_each_workload": "does not name"}, ()),
    "pool_methods_eager_map": ("pool_methods", {
        "imap_is_lazy_and_ordered": "after the last task had ended"}, ()),
    "pool_methods_unordered_imap": ("pool_methods", {"imap_is_lazy_and_ordered": "first difference"},
                                    ()),
    # Returned from inside the `with` block, imap's iterator waits for a pool already terminated.
    "pool_methods_pool_closed_early": ("pool_methods", {
        "imap_is_lazy_and_ordered": "shut down while results were still being taken"}, ()),
    "pool_methods_ordered_imap": ("pool_methods", {
        "imap_unordered_in_completion_order": "a fast result waited behind a slow one"}, ()),
    "pool_methods_one_worker": ("pool_methods", {"starmap_speedup": "single worker process"}, ()),
    "pool_methods_serial_starmap": ("pool_methods", {"starmap_speedup": "inside the calling process"},
                                    ()),
    "pool_methods_map_not_starmap": ("pool_methods", {"starmap_speedup": "pool.map does not"}, ()),
    "pool_methods_get_no_timeout": ("pool_methods", {
        "get_with_timeout_gives_up": "waits forever for a task that never finishes"}, ()),
    "pool_methods_builtin_timeout_error": ("pool_methods", {
        "get_with_timeout_gives_up": "not the builtin TimeoutError"}, ()),
    "pool_methods_thread_pool_timeout": ("pool_methods", {
        "get_with_timeout_gives_up": "inside the calling process"}, ()),
    # A closed pool with a task left in it starts new workers when the grader kills its old
    # ones, so the checks after it find processes left behind too.
    "pool_methods_close_join": ("pool_methods", {
        "get_with_timeout_gives_up": "instead of close() and join()"}, ("map_async_frees_the_caller",)),
    "pool_methods_no_terminate": ("pool_methods", {
        "get_with_timeout_gives_up": "process(es) running after it returned"},
        ("map_async_frees_the_caller",)),
    "pool_methods_blocking_map": ("pool_methods", {"map_async_frees_the_caller": "began only after all"},
                                  ()),
    "pool_methods_meanwhile_first": ("pool_methods", {
        "map_async_frees_the_caller": "had not been handed to the pool yet"}, ()),
    # callbacks
    "callbacks_late_binding": ("callbacks", {"results_and_errors_by_item": "Bind the item"}, ()),
    # The dead result thread leaves join() waiting until the check's time limit.
    "callbacks_callback_raises": ("callbacks", {"results_and_errors_by_item": "A callback raised"}, ()),
    # Without error_callback the tracker's counts never add up, amplified or not.
    "callbacks_no_error_callback": ("callbacks", {
        "results_and_errors_by_item": "are not in errors",
        "tracker_adds_up": "never counted",
        "tracker_has_no_lost_updates": "do not add up"}, ()),
    # Callbacks of a ThreadPool run on a thread too, so the race check has nothing to say.
    "callbacks_threads": ("callbacks", {"results_and_errors_by_item": "calling process itself",
                                        "progress_as_tasks_finish": "calling process itself",
                                        "tracker_adds_up": "calling process itself"},
                          ("tracker_has_no_lost_updates",)),
    "callbacks_progress_in_order": ("callbacks", {"progress_as_tasks_finish": "holds back"}, ()),
    "callbacks_progress_on_submit": ("callbacks", {
        "progress_as_tasks_finish": "not when you submit it"}, ()),
    # The race check, too, reads the tracker as soon as the function returns.
    "callbacks_no_join": ("callbacks", {"tracker_adds_up": "when it returned"},
                          ("tracker_has_no_lost_updates",)),
    # Without the amplifier an unlocked tracker may or may not lose updates: only the race
    # check makes a promise about it.
    "callbacks_unlocked": ("callbacks", {"tracker_has_no_lost_updates": "updates were lost"},
                           ("tracker_adds_up",)),
    "callbacks_lock_only_in_callbacks": ("callbacks", {
        "tracker_has_no_lost_updates": "updates were lost"}, ("tracker_adds_up",)),
    "callbacks_lock_held_while_waiting": ("callbacks", {
        "tracker_adds_up": "never while waiting",
        "tracker_has_no_lost_updates": "never while waiting"}, ()),
    # managers
    # Without the widened window an unlocked update may or may not be lost: only the race
    # checks make a promise about it.
    "managers_unlocked": ("managers", {"votes_have_no_lost_updates": "were lost",
                                       "progress_has_no_lost_updates": "updates were lost"},
                          ("votes_counted",)),
    "managers_merge_unlocked": ("managers", {"votes_have_no_lost_updates": "were lost",
                                             "progress_has_no_lost_updates": "updates were lost"},
                                ("votes_counted",)),
    "managers_threads": ("managers", {"votes_counted": "calling process itself",
                                      "votes_have_no_lost_updates": "calling process itself",
                                      "progress_has_no_lost_updates": "calling process itself",
                                      "results_collected": "calling process itself"}, ()),
    "managers_relocks": ("managers", {"votes_counted": "not re-entrant",
                                      "votes_have_no_lost_updates": "not re-entrant"}, ()),
    "managers_drops_remainder": ("managers", {"votes_counted": "every ballot is counted once",
                                              "results_collected": "9 items instead of 10"}, ()),
    "managers_returns_proxy": ("managers", {"manager_is_shut_down": "still running",
                                            "results_collected": "instead of a copy"}, ()),
    # Once the grader has stopped the kept manager, the next call finds it gone and raises.
    "managers_cached_manager": ("managers", {"manager_is_shut_down": "still running"},
                                ("results_collected",)),
    # The workers still running when the manager shuts down are stopped by the grader.
    "managers_no_join": ("managers", {"results_collected": "items instead of 10"},
                         ("manager_is_shut_down",)),
    # pipeline
    # Run serially, the 6 s of work after the failed item use most of the error check's limit.
    "pipeline_serial": ("pipeline", {"results_in_order": "calling process itself",
                                     "speedup": "inside the calling process",
                                     "dead_worker_does_not_hang": "calling process itself"},
                        ("error_stops_the_pipeline",)),
    "pipeline_threads": ("pipeline", {"results_in_order": "calling process itself",
                                      "speedup": "threads",
                                      "error_stops_the_pipeline": "calling process itself",
                                      "dead_worker_does_not_hang": "calling process itself"}, ()),
    "pipeline_one_worker": ("pipeline", {"speedup": "single worker process"}, ()),
    # A failure stops the pipeline before the missing sentinels are missed.
    "pipeline_one_sentinel": ("pipeline", {"stages_follow_the_protocol": "4 items instead of 6",
                                           "results_in_order": "never came",
                                           "speedup": "never came"}, ()),
    # A failure stops the pipeline before a worker meets a SENTINEL it cannot recognise.
    "pipeline_object_sentinel": ("pipeline", {
        "stages_follow_the_protocol": "Everything put on a Queue is pickled",
        "results_in_order": "a stage itself went wrong",
        "speedup": "a stage itself went wrong"}, ()),
    # Equal tasks finish in any order, so the speedup run's results may or may not be in order.
    "pipeline_arrival_order": ("pipeline", {"stages_follow_the_protocol": "first difference",
                                            "results_in_order": "first difference"},
                               ("speedup",)),
    "pipeline_hangs_on_error": ("pipeline", {"error_stops_the_pipeline": "never stopped",
                                             "dead_worker_does_not_hang": "sent nothing"}, ()),
    "pipeline_misses_a_dead_worker": ("pipeline", {"dead_worker_does_not_hang": "sent nothing"}, ()),
    # Polling exitcode collects the exits of the terminated stages, so no zombie shows it.
    "pipeline_polls_never_joins": ("pipeline", {"error_stops_the_pipeline": "never joined",
                                                "dead_worker_does_not_hang": "never joined"}, (
        "results_in_order", "speedup", "stages_follow_the_protocol")),
    "pipeline_silence_is_death": ("pipeline", {"dead_worker_does_not_hang": "A silence is not a death"},
                                  ()),
    # A killed worker may die holding the results queue's lock, so the other worker may or may
    # not be stuck, still running, when the pipeline raises.
    "pipeline_leaves_stages_running": ("pipeline", {"error_stops_the_pipeline": "still running"},
                                       ("dead_worker_does_not_hang",)),
    "pipeline_finishes_before_raising": ("pipeline", {"error_stops_the_pipeline": "went on for"}, ()),
    # The same, with the task records of the work after the failure erased: the grader's own
    # clock still sees it.
    # The grader reads its desk, not the files the mutant edits (Linux); elsewhere its own
    # clock still sees how long the call took.
    "pipeline_hides_work_after_failure": ("pipeline", {
        "error_stops_the_pipeline": ("went on for" if task_desk.desk_possible()
                                     else "longer than transforming all")}, ()),
    # After a killed worker the other may have ended, and been reaped by reading its exitcode,
    # before the failure is noticed: then nothing is left to join.
    "pipeline_terminate_no_join": ("pipeline", {"error_stops_the_pipeline": "never joined"},
                                   ("dead_worker_does_not_hang",)),
    # queues
    # Its 1.5 s quiet spell outlasts the producers' silence: it is the wait after the last
    # item that gives it away.
    "queues_waits_out_silence": ("queues", {"slow_producers_lose_nothing": "quiet spell"}, (
        "every_item_consumed_once", "large_items_do_not_deadlock")),
    "queues_join_thread_left_blocked": ("queues", {"dead_consumer_is_reported": "not a daemon"},
                                        ()),
    "queues_sentinel_per_producer": ("queues", {
        "every_item_consumed_once": "one sentinel per consumer"}, ()),
    "queues_one_consumer": ("queues", {
        "every_item_consumed_once": "only 1 process(es) handled items"}, ()),
    "queues_duplicates": ("queues", {"every_item_consumed_once": "handled more than once",
                                     "slow_producers_lose_nothing": "handled more than once"}, ()),
    "queues_threads": ("queues", {"every_item_consumed_once": "calling process itself"}, ()),
    # Only the slow producers of the race check make a promise; with quick producers, and with
    # large items that cannot be left on the queue, these lose items or hang only most times.
    "queues_sentinels_too_early": ("queues", {"slow_producers_lose_nothing": "never handled"},
                                   ("every_item_consumed_once", "large_items_do_not_deadlock")),
    "queues_polls_empty": ("queues", {"slow_producers_lose_nothing": "never handled"},
                           ("every_item_consumed_once", "large_items_do_not_deadlock")),
    # Small items fit in the pipe's buffer, so only the 1 MB items deadlock.
    "queues_join_producers_first": ("queues", {
        "large_items_do_not_deadlock": "joining processes that use queues"}, ()),
    "queues_exits_on_empty_error": ("queues", {
        "every_item_consumed_once": "non-zero exit code",
        "slow_producers_lose_nothing": "non-zero exit code",
        "large_items_do_not_deadlock": "non-zero exit code"}, ()),
    "queues_handles_sentinel": ("queues", {"every_item_consumed_once": "was also given",
                                           "slow_producers_lose_nothing": "was also given",
                                           "large_items_do_not_deadlock": "was also given"}, ()),
    "queues_no_task_done": ("queues", {"rounds_wait_for_join": "task_done() has been called",
                                       "dead_consumer_is_reported": "Did not finish"}, ()),
    # It still watches for a dead consumer, and stops it before the next round's items, mostly.
    "queues_no_join_between_rounds": ("queues", {"rounds_wait_for_join": "before item"},
                                      ("dead_consumer_is_reported",)),
    "queues_workers_per_round": ("queues", {"rounds_wait_for_join": "started new consumers"}, ()),
    "queues_join_waits_forever": ("queues", {
        "dead_consumer_is_reported": "JoinableQueue.join() waits forever"}, ()),
    "queues_dead_leaves_others": ("queues", {"dead_consumer_is_reported": "still running"}, ()),
    # pipes
    "pipes_worker_keeps_parent_end": ("pipes", {"worker_ends_at_eof": "still running",
                                                "ask_ends_its_worker": "Connection.recv()"}, ()),
    "pipes_eof_escapes": ("pipes", {"worker_ends_at_eof": "raised EOFError",
                                    "ask_ends_its_worker": "exit code 1"}, ()),
    "pipes_none_is_the_end": ("pipes", {"requests_answered_in_order": "the next one was None"}, ()),
    "pipes_parent_keeps_its_end": ("pipes", {
        "ask_ends_its_worker": "close the parent's end in ask() before join()"}, ()),
    # Under spawn and forkserver the worker has no copy of the parent's end; under fork it does.
    "pipes_child_end_not_passed": ("pipes", {"ask_ends_its_worker": "inherits a copy"}, ()),
    # Small messages fit in the pipe's buffer, so only the 1 MB ones deadlock.
    "pipes_send_all_first": ("pipes", {
        "large_messages_do_not_deadlock": "waiting in Connection.send()"}, ()),
    "pipes_terminates_worker": ("pipes", {"ask_ends_its_worker": "as terminate() and kill() do"}, ()),
    "pipes_no_join": ("pipes", {"ask_ends_its_worker": "without joining"}, ()),
    "pipes_in_parent": ("pipes", {"ask_answers_in_order": "calling process itself",
                                  "ask_ends_its_worker": "started no process"}, ()),
    "pipes_reader_keeps_writer": ("pipes", {
        "one_way_pipe_delivers_every_item": "waiting in Connection.recv()",
        "reader_sees_eof_when_the_child_dies": "waiting in Connection.recv()"}, ()),
    # With the quick producer the sentinel does come; a child that dies sends none.
    "pipes_sentinel_reader": ("pipes", {"reader_sees_eof_when_the_child_dies": "let EOFError escape"},
                              ()),
    "pipes_sends_list_at_once": ("pipes", {
        "reader_sees_eof_when_the_child_dies": "none of them reached"}, ()),
    "pipes_poll_gives_up": ("pipes", {"one_way_pipe_delivers_every_item": "pauses 0.3 s",
                                      "reader_sees_eof_when_the_child_dies": "let EOFError escape"},
                            ()),
    "pipes_wrong_answer": ("pipes", {"requests_answered_in_order": "first difference",
                                     "ask_answers_in_order": "first difference",
                                     "large_messages_do_not_deadlock": "were not invert(request)"},
                           ()),
}


def test_every_mutant_is_listed():
    on_disk = {path.name for path in MUTANTS.iterdir() if (path / "__init__.py").exists()}
    assert on_disk == set(CASES)


@pytest.mark.parametrize("topic", all_topics(), ids=lambda t: t.id)
def test_every_check_is_seen_to_fail(topic):
    checks = set(re.findall(r"^def test_(\w+)\(", topic.suite_path.read_text(), re.MULTILINE))
    caught = {name for topic_id, failing, _ in CASES.values() if topic_id == topic.id
              for name in failing}
    assert checks - caught == set(), "these checks have no known-wrong version that fails them"


@pytest.mark.parametrize("topic", all_topics(), ids=lambda t: t.id)
def test_every_speedup_check_has_a_one_worker_version(topic):
    # Counting messages or timing alone would pass a pool of one worker; each speedup check
    # must be seen to fail on one.
    speedup_checks = set(re.findall(r'@pytest\.mark\.check\("speedup".*\)\ndef test_(\w+)\(',
                                    topic.suite_path.read_text()))
    one_worker = {name for mutant, (topic_id, failing, _) in CASES.items()
                  if topic_id == topic.id and ("one_worker" in mutant or "one_child" in mutant)
                  for name in failing}
    assert speedup_checks - one_worker == set()


@pytest.mark.slow
@pytest.mark.parametrize("mutant", sorted(CASES))
def test_mutant_is_caught(grade, mutant):
    topic_id, failing, ignored = CASES[mutant]
    graded = grade(topic_id, "--target", str(MUTANTS / mutant))
    topic = graded.topic(topic_id)
    assert topic["status"] in ("failed", "timeout")
    for check in topic["checks"]:
        if check["name"] in failing:
            assert check["outcome"] in ("failed", "timeout"), check
            assert check["points"] == 0
            assert failing[check["name"]] in check["message"], check["message"]
            assert "by hand" not in check["message"], "advice that reproduces nothing under fork"
        elif check["name"] not in ignored:
            assert check["outcome"] == "passed", check
