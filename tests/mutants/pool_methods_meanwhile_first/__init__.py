"""pool_methods that does its own work before handing out the tasks."""
