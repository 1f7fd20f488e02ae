"""saring eval."""
