"""saring serving."""
