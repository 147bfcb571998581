"""pipeline whose transform workers are threads of the calling process."""
