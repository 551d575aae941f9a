"""``specgen lint``: what a transcribed spec's examples and docs get wrong, beyond validity; read from the IR."""
