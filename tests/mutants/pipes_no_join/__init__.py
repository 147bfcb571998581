"""pipes whose ask() never joins its worker."""
