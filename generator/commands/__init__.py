"""specgen's commands, one module each; ``cli.py`` parses the command line and calls one."""
