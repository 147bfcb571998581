"""The exercises: one module per topic of the lesson. Fill in the TODOs, then run `grade`."""
