"""The kernel's accounting of a run: what a process already used before the run does not
count, and a process started during the run counts whole."""

from __future__ import annotations

import multiprocessing
import os
import time

from grader.measuring.kernel_cpu import TreeCpuSampler


def burn(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_a_child_started_during_the_run_is_charged_its_whole_cpu():
    burn(0.2)  # CPU this process used before the run
    sampler = TreeCpuSampler(os.getpid()).start()
    child = multiprocessing.get_context("spawn").Process(target=burn, args=(0.3,))
    child.start()
    child.join()
    charged = sampler.stop()
    assert charged.root_cpu_s < 0.2
    assert charged.descendants_cpu_s.get(child.pid, 0.0) >= 0.25
    assert charged.busy_workers(0.25) == 1
