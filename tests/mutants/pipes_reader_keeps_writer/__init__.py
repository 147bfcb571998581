"""pipes whose reader never closes its copy of the writing end."""
