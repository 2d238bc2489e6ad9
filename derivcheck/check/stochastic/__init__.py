"""Distribution checks: Monte Carlo simulation of a declared recursion, judged by exact statistical tests."""
