"""Server-side SVG charts: a line chart, a heatmap and a network of units.

Drawn from the same visible figures as the tables next to them (which screen readers use:
every SVG is ``aria-hidden`` and the table carries the numbers). No script, no npm package.
"""

from __future__ import annotations

import math
from datetime import date

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

HIDDEN = 'role="presentation" aria-hidden="true" focusable="false"'
TICK = 'class="chart__tick"'
COLOURS = ("#1d4f91", "#c2410c", "#15803d", "#7e22ce")


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def line_chart(
    dates: list[date], series: dict[str, list[float | None]], labels: dict[str, str]
) -> SafeString:
    """One line per series over the periods; gaps where a figure is withheld."""
    width, height, left, bottom, top, right = 640, 240, 48, 28, 12, 12
    values = [v for vs in series.values() for v in vs if v is not None]
    if not dates or not values:
        return mark_safe("")
    top_value = max(values) or 1
    steps = max(len(dates) - 1, 1)

    def x(i: int) -> float:
        return left + (width - left - right) * i / steps

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - v / top_value)

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" {HIDDEN}>']
    for frac in (0, 0.5, 1):
        gy = y(top_value * frac)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{gy:.1f}" y2="{gy:.1f}" '
            'class="chart__grid"/>'
            f'<text x="{left - 6}" y="{gy + 4:.1f}" text-anchor="end" {TICK}>'
            f"{_fmt(top_value * frac)}</text>"
        )
    for i, day in enumerate(dates):
        if len(dates) <= 6 or i % 2 == 0 or i == len(dates) - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle" {TICK}>'
                f"{day:%d.%m.}</text>"
            )
    for n, vs in enumerate(series.values()):
        colour = COLOURS[n % len(COLOURS)]
        run: list[str] = []
        for i, v in enumerate([*vs, None]):
            if v is not None:
                run.append(f"{x(i):.1f},{y(v):.1f}")
                continue
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                    'stroke-width="2.5"/>'
                )
            for point in run:
                px, py = point.split(",")
                parts.append(f'<circle cx="{px}" cy="{py}" r="3" fill="{colour}"/>')
            run = []
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped labels only


def legend(keys: list[str], labels: dict[str, str]) -> list[tuple[str, str]]:
    """The line chart's legend, shown as HTML under the picture: (label, colour)."""
    return [(labels.get(k, k), COLOURS[n % len(COLOURS)]) for n, k in enumerate(keys)]


def heatmap(labels: list[tuple[str, str]], cells: dict[tuple[str, str], float]) -> SafeString:
    """Units by units, the darker the more interactions; withheld cells stay empty."""
    if not labels:
        return mark_safe("")
    size = 22
    margin = 150
    n = len(labels)
    top = max(cells.values(), default=1) or 1
    dim = margin + size * n
    parts = [f'<svg class="chart chart--heatmap" viewBox="0 0 {dim + 8} {dim + 8}" {HIDDEN}>']
    for i, (_key, name) in enumerate(labels):
        short = escape(name[:22])
        parts.append(
            f'<text x="{margin - 6}" y="{margin + size * i + 15}" text-anchor="end" {TICK}>'
            f"{short}</text>"
            f'<text transform="translate({margin + size * i + 15},{margin - 6}) rotate(-60)" '
            f"{TICK}>{short}</text>"
        )
    for i, (a, _na) in enumerate(labels):
        for j, (b, _nb) in enumerate(labels):
            value = cells.get((a, b))
            if value is None:
                fill = "#f3f4f6"
            else:
                strength = 0.12 + 0.88 * math.sqrt(value / top)
                fill = f"rgba(29,79,145,{strength:.2f})"
            parts.append(
                f'<rect x="{margin + size * j}" y="{margin + size * i}" width="{size - 2}" '
                f'height="{size - 2}" fill="{fill}"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped labels only


def network(nodes: list[tuple[str, str, float]], edges: list[tuple[str, str, float]]) -> SafeString:
    """Units on a circle, sized by active people, joined by lines as thick as their
    interactions."""
    if not nodes:
        return mark_safe("")
    width = height = 520
    cx = cy = width / 2
    radius = width / 2 - 90
    biggest = max(size for _k, _n, size in nodes) or 1
    heaviest = max((w for _a, _b, w in edges), default=1) or 1
    place = {}
    for i, (key, _name, _size) in enumerate(nodes):
        angle = 2 * math.pi * i / len(nodes) - math.pi / 2
        place[key] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle)
    parts = [f'<svg class="chart chart--network" viewBox="0 0 {width} {height}" {HIDDEN}>']
    for a, b, weight in edges:
        if a in place and b in place:
            (x1, y1, _), (x2, y2, _) = place[a][:3], place[b][:3]
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#7c93b8" '
                f'stroke-opacity="0.7" stroke-width="{0.8 + 6 * weight / heaviest:.1f}"/>'
            )
    for key, name, size in nodes:
        x, y, angle = place[key]
        r = 5 + 16 * math.sqrt(size / biggest)
        lx, ly = x + (r + 6) * math.cos(angle), y + (r + 6) * math.sin(angle)
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="{}" fill="#1d4f91" fill-opacity="0.85"/>'
                '<text x="{}" y="{}" text-anchor="{}" class="chart__tick">{}</text>',
                f"{x:.1f}",
                f"{y:.1f}",
                f"{r:.1f}",
                f"{lx:.1f}",
                f"{ly + 4:.1f}",
                anchor,
                name[:24],
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped labels only
