"""process_basics that starts and joins one process at a time."""
