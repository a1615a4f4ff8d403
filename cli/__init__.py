"""The command line: one module per command group; each parses, calls one service function and prints."""
