"""shared_values with local counts merged once under the lock."""
