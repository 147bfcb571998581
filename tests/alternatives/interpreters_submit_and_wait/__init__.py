"""interpreters written with submit() and concurrent.futures.wait, and the crossing errors told from the futures themselves."""
