"""Broken and hostile specs: a clear error, no injection, nothing lost (issue 4)."""
