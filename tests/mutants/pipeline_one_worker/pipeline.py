"""Known wrong: one transform process, whatever `workers` says; everything else is right."""
from solutions import pipeline as reference
from solutions.pipeline import (SENTINEL, PipelineError, collect_stage, read_stage,  # noqa: F401
                                transform_stage)


def run_pipeline(func, items, workers):
    return reference.run_pipeline(func, items, 1)
