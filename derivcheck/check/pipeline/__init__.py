"""One derivation to its outcomes: the checkable items, the bounded prover, evidence judged into verdicts."""
