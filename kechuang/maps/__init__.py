"""Offline maps computed from the registry: industry, carriers and talent apartments."""
