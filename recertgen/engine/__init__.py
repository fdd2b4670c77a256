"""Compliance engine: rules, cycles, estimates and pace, in exact arithmetic."""
