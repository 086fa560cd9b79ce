"""`make bench`: the back office at ten years of data, side by side with stock FAB."""
