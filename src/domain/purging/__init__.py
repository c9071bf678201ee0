"""Purging: rows that no longer serve are deleted, a bounded batch at a time."""
