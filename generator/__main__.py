"""``python -m generator``: the same as the ``specgen`` command."""

from .cli import run

run()
