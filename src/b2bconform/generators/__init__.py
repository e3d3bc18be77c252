"""Hypothesis strategies for valid requests of each API, and mutations that break one rule."""
