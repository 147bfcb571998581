"""callbacks reporting progress when tasks are submitted."""
