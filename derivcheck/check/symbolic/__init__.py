"""Symbolic proofs: canonical forms, the ordered strategies, instances, named hypotheses and their consistency."""
