"""Behaviour tests for the golden feature cases: the generated clients, called for real.

Each ``test_<case>.py`` imports the package generated for
``tests/golden/<case>/<case>.yaml`` (from ``tests/golden/<case>/expected/``)
and drives it through ``httpx.MockTransport``, asserting what goes on the
wire and what comes back.
"""
