"""pipes whose child sends all its items in one message at the end."""
