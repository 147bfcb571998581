"""pool_methods with a pool of one worker for starmap."""
