"""process_basics that gives up on a child but leaves it running."""
