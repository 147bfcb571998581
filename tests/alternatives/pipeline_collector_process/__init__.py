"""pipeline whose collect stage is a process too, sending the results back through a Pipe."""
