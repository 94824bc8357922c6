"""Carriers (科创载体): incubators, maker spaces, research centres and parks, their evaluation as rules."""
