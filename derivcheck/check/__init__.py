"""Checking: symbolic strategies, numeric cross-checks, the per-step pipeline and time limits.

Only this package imports torch, and lazily.
"""
