"""saring model."""
