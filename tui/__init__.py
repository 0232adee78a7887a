"""The ``tokens`` terminal app and command line."""
