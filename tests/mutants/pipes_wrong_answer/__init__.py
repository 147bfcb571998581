"""pipes whose worker sends back (request, answer) pairs."""
