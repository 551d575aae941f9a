"""Contract tests: the generated client against a real Prism mock server.

This directory is a package so that its ``conftest.py`` is imported as
``contract.conftest`` and does not replace ``tests/conftest.py``, which other
test modules import as ``conftest``.
"""
