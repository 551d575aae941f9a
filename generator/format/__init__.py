"""Stage 5, format: black (or ruff) over the rendered files, block by block, cached and in worker processes."""
