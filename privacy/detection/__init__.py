"""Personal data in device traffic and files: Presidio pattern recognizers, routing by key, masking, keyed hashes."""
