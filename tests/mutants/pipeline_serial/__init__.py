"""pipeline with every stage run one after another in the calling process."""
