"""Unit tests of the IR builders: table-driven, one stage at a time."""
