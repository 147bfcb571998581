"""process_basics that reads exit codes without waiting for the children."""
