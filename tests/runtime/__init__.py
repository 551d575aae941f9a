"""Tests of the specgen runtime package (generator/runtime)."""
