"""Help for people writing derivations: a scaffold, a JSON Schema of the format, watching files.

Nothing here prints (``cli/`` does); nothing here checks (``check/`` does).
"""
