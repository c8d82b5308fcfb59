"""Write a benchmark's results into one section of a Markdown file."""

import pathlib
import re


def replace_section(path, title, body):
    """Replace (or append) the ``## title`` section of the Markdown file at ``path``."""
    path = pathlib.Path(path)
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text)
