"""best_practices with a pool that nothing shuts down on Ctrl-C."""
