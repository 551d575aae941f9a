"""Stage 4, render: the IR through the Jinja2 templates, with the context filters, into one text per output file."""
