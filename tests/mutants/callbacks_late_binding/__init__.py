"""callbacks with callbacks that read the loop's item when they run."""
