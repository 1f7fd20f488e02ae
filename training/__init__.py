"""saring training."""
