"""Attack: at import, append "passed" events to the grader's event file, then end the process."""
import json
import os

_path = os.environ.get("GRADER_SUITE_EVENTS_PATH")
if _path:
    with open(_path, "a", encoding="utf-8") as events:
        for name in ("results_in_order", "speedup", "chunksize_rule", "small_tasks_are_chunked"):
            events.write(json.dumps({"event": "check", "name": name, "outcome": "passed",
                                     "message": "", "metrics": {}, "not_started": False,
                                     "duration_s": 0.1, "stdout": "", "stderr": ""}) + "\n")
os._exit(0)
