"""pipes whose worker never closes its copy of the parent's end."""
