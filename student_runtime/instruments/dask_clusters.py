"""The worker processes of the Dask clusters in the student's process, as Dask knows them.

The dask_cluster suite keeps one cluster for all its checks: between checks the grader asks
here which processes are the cluster's workers, and lets run on only those that the kernel shows
as children of the student's process.
"""

from __future__ import annotations

import sys


def cluster_workers() -> list[int]:
    """The pids of the worker processes of every Dask cluster open in this process (each one
    started and watched by a Nanny of its cluster's)."""
    spec = sys.modules.get("distributed.deploy.spec")
    clusters = getattr(getattr(spec, "SpecCluster", None), "_instances", ())
    pids = []
    for cluster in list(clusters):
        for worker in list(getattr(cluster, "workers", {}).values()):
            pid = getattr(worker, "pid", None)  # a Nanny's worker process, while it runs
            if isinstance(pid, int):
                pids.append(pid)
    return pids

