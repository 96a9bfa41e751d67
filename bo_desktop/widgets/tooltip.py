"""Tooltips for data text (player names, note bodies) that can never turn into markup.

Qt renders a tooltip as rich text whenever ``Qt::mightBeRichText`` guesses so, i.e. whenever the
text *looks* like HTML — exactly what a hostile player name does. Escaping alone is not enough
(escaped text that no longer looks like HTML is shown with its entities), so the text is escaped
and wrapped in an explicit rich-text paragraph: it is then always shown verbatim.
"""

from __future__ import annotations

import html


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that displays exactly these characters, line breaks kept."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"
