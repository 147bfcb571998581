"""executor cancelling only after every task has run."""
