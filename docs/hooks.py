"""MkDocs hooks for this site (see ``hooks:`` in mkdocs.yml)."""

import re

SRCSET = re.compile(r'\s*srcset="[^"]*"')


def on_page_markdown(markdown, page, **kwargs):
    """Drop the ``srcset`` that mkdocs-gallery puts on example plots.

    mkdocs-gallery writes it for directory URLs (``../images/...``); this site has
    file URLs (the offline plugin), where that path misses and the browser, which prefers
    ``srcset`` to ``src``, shows a broken image. ``src`` alone is right for both.
    """
    if page.file.src_uri.startswith("generated/gallery/"):
        return SRCSET.sub("", markdown)
    return markdown
