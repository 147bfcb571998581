"""managers returning the list proxy from a manager never shut down."""
