"""Stage 2, validate: the OpenAPI validator's findings and specgen's own checks, each located, and lenient mode."""
