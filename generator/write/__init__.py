"""Stage 6, write: the manifest, freshness verdicts, and the atomic, locked swap of packages into place."""
