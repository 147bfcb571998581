"""queues that joins the producers before starting the consumers."""
