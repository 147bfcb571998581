"""process_basics that joins the children before draining their queue."""
