"""process_basics that keeps results in arrival order."""
