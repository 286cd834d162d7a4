"""Writes of circles and the multipliers programme; import the module you need."""
