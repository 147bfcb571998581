"""managers with a Pool, local counts merged once under the lock, and a copy by slicing."""
