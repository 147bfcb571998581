"""Measuring what student code did: speedup evidence, races, leftovers, transfers, workloads."""
