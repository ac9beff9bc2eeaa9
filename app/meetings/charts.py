"""Charts drawn on the server as SVG (no chart JavaScript). Each sits beside a table of the
same numbers, which is what screen readers use: the drawing itself is hidden from them."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from app.meetings.forms import AGREE, OVERALL
from app.meetings.models import SCALES

INK, BAR, GRID = "#1b1b1b", "#1d4f91", "#b1b4b6"

#: The words of each answer, 1 to 5, per question (as on the form).
SCALE_LABELS: dict[str, list[Any]] = {name: [c.label for c in (OVERALL if name == "overall" else AGREE)]
                                      for name in SCALES}


def bars(counts: dict[int, int | None], labels: list[Any], width: int = 320) -> Markup:
    """Horizontal bars, one per answer (best at the top), each with its words and count; a hidden
    count (``None``) has no bar and a dash."""
    row, label_width, gap = 28, 130, 8
    most = max((v for v in counts.values() if v is not None), default=0) or 1
    room = width - label_width - 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {row * 5 + gap}" '
             f'width="{width}" height="{row * 5 + gap}" aria-hidden="true" focusable="false">']
    for index, answer in enumerate(range(5, 0, -1)):
        y = index * row + gap
        length = round(room * (counts.get(answer) or 0) / most)
        parts.append(f'<text x="0" y="{y + 16}" fill="{INK}" font-size="13">{escape(str(labels[answer - 1]))}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 2}" width="{max(length, 1)}" height="18" fill="{BAR}"/>')
        parts.append(f'<text x="{label_width + length + 6}" y="{y + 16}" fill="{INK}" font-size="13">'
                     f'{"–" if counts.get(answer, 0) is None else counts.get(answer, 0)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def trend(averages: list[float | None], width: int = 320) -> Markup:
    """Average overall answer (1 to 5) per meeting, oldest first: a column for each, numbered
    like the rows of the table beside it (which has the dates)."""
    height, base, top = 160, 130, 10
    if not averages:
        return Markup("")
    step = max((width - 40) // len(averages), 12)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {max(width, step * len(averages) + 40)} '
             f'{height}" width="{width}" height="{height}" aria-hidden="true" focusable="false">',
             f'<line x1="30" y1="{base}" x2="{width}" y2="{base}" stroke="{GRID}"/>']
    for level in (1, 3, 5):
        y = base - (base - top) * level / 5
        parts.append(f'<text x="0" y="{y + 4:.0f}" fill="{INK}" font-size="12">{level}</text>')
    for index, average in enumerate(averages):
        x = 34 + index * step
        if average is not None:
            h = (base - top) * average / 5
            parts.append(f'<rect x="{x}" y="{base - h:.0f}" width="{step - 6}" height="{h:.0f}" fill="{BAR}"/>')
        parts.append(f'<text x="{x}" y="{base + 16}" fill="{INK}" font-size="11">{index + 1}</text>')  # row in the table
    parts.append("</svg>")
    return Markup("".join(parts))
