"""Explicit realisation: parsed expressions at concrete sizes, entry by entry, with finite laws for random variables."""
