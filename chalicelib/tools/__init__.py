"""Command-line tools for operators (``python -m chalicelib.tools.<name>``); no Lambda handler imports them."""
