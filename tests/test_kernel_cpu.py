"""The kernel's accounting of a run: a process started during the run counts whole."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import KIT_ROOT

# Run in a fresh interpreter: this test process may have threads of earlier tests still busy.
PROBE = """
import json, multiprocessing, os, time
from grader.measuring.kernel_cpu import TreeCpuSampler

def burn(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass

if __name__ == "__main__":
    sampler = TreeCpuSampler(os.getpid()).start()
    child = multiprocessing.get_context("spawn").Process(target=burn, args=(0.3,))
    child.start()
    child.join()
    charged = sampler.stop()
    print(json.dumps({"root": charged.root_cpu_s, "child": charged.descendants_cpu_s.get(child.pid, 0.0),
                      "busy": charged.busy_workers(0.25)}))
"""


def test_a_child_started_during_the_run_is_charged_its_whole_cpu(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    done = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True,
                          cwd=KIT_ROOT, env={"PYTHONPATH": str(KIT_ROOT)}, timeout=60)
    assert done.returncode == 0, done.stderr
    charged = json.loads(done.stdout)
    # The root is the sampling process itself here, so its own figure includes the sampling.
    assert charged["child"] >= 0.25 and charged["busy"] == 1
