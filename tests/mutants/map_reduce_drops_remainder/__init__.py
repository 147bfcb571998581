"""map_reduce whose chunks drop the lines left over after an even split."""
