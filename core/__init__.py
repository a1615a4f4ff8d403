"""muniscan: security and privacy compliance scanning for a municipality's IoT estate."""

__version__ = "0.1.0"
