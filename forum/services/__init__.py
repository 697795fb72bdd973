"""Use cases that change data: each validates, writes and commits once."""
