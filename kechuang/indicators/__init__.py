"""Indicators: the catalogue, yearly targets and monthly figures; pure progress maths in ``progress``."""
