"""specgen's benchmark suite (issue 7): ``make bench``, see ``bench/run.py``.

Modules:

- ``common``: paths, statistics, and running one measured process.
- ``processes``: whole-process timings of specgen and openapi-python-client.
- ``stages``: specgen's stages timed in-process (``python -m bench.stages``).
- ``client_speed``: generated-client speed: parsing, pagination memory, import.
- ``pydantic_model``: the hand-written pydantic v2 equivalent used as a floor.
- ``report``: ``docs/benchmarks.md`` and ``docs/benchmarks.png``.
"""
