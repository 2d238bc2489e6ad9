"""The integer configurations of a numeric check: assignments of its dimensions and
integer parameters, simplest first, with the ones that small values miss.
"""

from __future__ import annotations

from typing import Any

import sympy

def integer_configs(
    ranges: dict[sympy.Symbol, list[int]], kinds: dict[sympy.Symbol, str], rng: Any, limit: int = 6,
    first: int = 6,
) -> list[dict[sympy.Symbol, int]]:
    """Up to ``limit`` assignments of the integer parameters, simplest first.

    Always the smallest values, then distinct (non-square) dimension sizes both
    ways round, then random picks; among these a few with every dimension at its
    largest and the other parameters at most 4, so that parameters used as
    indices fit the matrices they index. Among the ``first`` returned: the other
    parameters at their largest (dimensions at their smallest), where a statement
    true only for small integers (``n! <= 3**n``) fails, and with two or more of
    them, each at its largest or smallest by a bit of its position, so that any
    two of them differ somewhere and summation bounds come in reverse order.
    """
    symbols = list(ranges)
    if not symbols:
        return [{}]
    candidates: list[dict[sympy.Symbol, int]] = [{s: min(ranges[s], key=abs) for s in symbols}]
    others = [s for s in symbols if kinds[s] != "dimension"]
    required = []  # among the first returned: what small and random values miss
    if others:
        required.append({s: min(ranges[s]) if kinds[s] == "dimension" else max(ranges[s]) for s in symbols})
    if len(others) > 1:
        # each at its largest or smallest by one bit of its position: any two parameters differ
        # in one of these (a symbol put for another is seen), and the first both ways round
        # puts summation bounds in reverse order (a sum from 7 down to 1)
        def by_bit(bit: int, flip: bool = False) -> dict[sympy.Symbol, int]:
            return {s: min(ranges[s]) if kinds[s] == "dimension" else
                    (max if bool((others.index(s) >> bit) & 1) != flip else min)(ranges[s]) for s in symbols}

        required += [by_bit(0), by_bit(0, flip=True)]
        required += [by_bit(bit) for bit in range(1, (len(others) - 1).bit_length())]
    required = required[:max(1, first - 1)]  # the smallest values stay first
    for order in (1, -1):
        config = {}
        for k, s in enumerate(symbols[::order]):
            options = ranges[s]
            config[s] = options[min(len(options) - 1, (k % 3) + (1 if kinds[s] == "dimension" else 2))]
        candidates.append({s: config[s] for s in symbols})
    if any(kinds[s] == "dimension" for s in symbols) and any(kinds[s] != "dimension" for s in symbols):
        for _ in range(4):
            candidates.append({s: max(ranges[s]) if kinds[s] == "dimension"
                               else rng.choice([v for v in ranges[s] if abs(v) <= 4] or ranges[s]) for s in symbols})
    for _ in range(8 * limit):
        candidates.append({s: rng.choice(ranges[s]) for s in symbols})
    configs: list[dict[sympy.Symbol, int]] = []
    for c in candidates:
        if c not in configs:
            configs.append(c)
        if len(configs) >= limit:
            break
    configs.sort(key=lambda c: (sum(abs(v) for v in c.values()), [c[s] for s in symbols]))
    required = [c for k, c in enumerate(required) if c not in required[:k]]
    rest = [c for c in configs if c not in required]
    keep = max(0, first - len(required))  # the required ones take the last places of the first ones
    return (rest[:keep] + required + rest[keep:])[:limit]


__all__ = ["integer_configs"]
