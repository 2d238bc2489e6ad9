"""Mutation testing of proofs: break every step that should hold, and see it refuted."""
