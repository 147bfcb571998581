"""pipes whose ask() answers the requests itself."""
