"""The multiprocessing exercise kit's grader: runs hidden suites and writes a scorecard."""

__version__ = "0.1.0"
