"""Where and how long checking work runs: CPU-time limits, worker processes, the torch device."""
