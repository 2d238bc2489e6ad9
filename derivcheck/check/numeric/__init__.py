"""Numeric evidence: random points in torch, exact rational points, autograd, shrinking and confirmation."""
