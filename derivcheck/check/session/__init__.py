"""Checking many derivation files: the incremental cache, shards and the worker pool around each one."""
