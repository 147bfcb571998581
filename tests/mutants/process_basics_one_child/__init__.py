"""process_basics that runs every target in one child process."""
