"""Small inline SVG charts for the class report: bars of a rate, a histogram, ranges of values.

Each function returns one <svg> element as text, with every label escaped, sized in pixels and
styled by classes that the report's own stylesheet colours. Nothing is loaded from anywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH = 720
LABEL_W = 270  # fits the longest check name at 12px
NOTE_W = 170
ROW_H = 24
BAR_H = 16
RANGE_ROW_H = 38


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: a fraction of the full length (0 to 1) and the text beside it."""

    label: str
    fraction: float
    note: str


@dataclass(frozen=True)
class Range:
    """One row of a range chart, labelled on two lines: the lowest, median and highest value,
    and the threshold asked (from threshold_low to threshold_high when it differed)."""

    label: str
    sublabel: str
    low: float
    median: float
    high: float
    threshold_low: float | None
    threshold_high: float | None
    note: str


def rate_class(fraction: float) -> str:
    """good, fair or poor: how a pass rate is coloured."""
    return "good" if fraction >= 0.8 else "fair" if fraction >= 0.5 else "poor"


def _svg(height: int, label: str, body: list[str]) -> str:
    return (f'<svg class="chart" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
            f'role="img" aria-label="{escape(label)}">\n<title>{escape(label)}</title>\n'
            + "\n".join(body) + "\n</svg>")


def bar_chart(bars: list[Bar], label: str) -> str:
    """Horizontal bars, one per row, each as long as its fraction of the bar area."""
    area = WIDTH - LABEL_W - NOTE_W
    body = []
    for row, bar in enumerate(bars):
        y = row * ROW_H
        length = round(area * min(max(bar.fraction, 0.0), 1.0), 1)
        body += [
            f'<text class="label" x="{LABEL_W - 8}" y="{y + 16}" text-anchor="end">'
            f"{escape(bar.label)}</text>",
            f'<rect class="track" x="{LABEL_W}" y="{y + 4}" width="{area}" height="{BAR_H}"/>',
            f'<rect class="bar {rate_class(bar.fraction)}" x="{LABEL_W}" y="{y + 4}" '
            f'width="{length}" height="{BAR_H}"><title>{escape(bar.label)}: {escape(bar.note)}'
            "</title></rect>",
            f'<text class="note" x="{LABEL_W + area + 8}" y="{y + 16}">{escape(bar.note)}</text>',
        ]
    return _svg(max(len(bars), 1) * ROW_H + 4, label, body)


def histogram(bins: list[tuple[str, int]], label: str, height: int = 220) -> str:
    """Vertical bars, one per bin, as tall as its count, with the count above and the bin below."""
    top, bottom = 20, 36
    plot_h = height - top - bottom
    slot = (WIDTH - 40) / max(len(bins), 1)
    tallest = max((count for _, count in bins), default=0) or 1
    body = [f'<line class="axis" x1="20" y1="{top + plot_h}" x2="{WIDTH - 20}" '
            f'y2="{top + plot_h}"/>']
    for index, (name, count) in enumerate(bins):
        x = 20 + index * slot
        bar_h = round(plot_h * count / tallest, 1)
        y = top + plot_h - bar_h
        body += [
            f'<rect class="bin" x="{x + 4:.1f}" y="{y:.1f}" width="{slot - 8:.1f}" '
            f'height="{bar_h}"><title>{escape(name)}: {count}</title></rect>',
            f'<text class="count" x="{x + slot / 2:.1f}" y="{y - 5:.1f}" '
            f'text-anchor="middle">{count}</text>',
            f'<text class="label" x="{x + slot / 2:.1f}" y="{top + plot_h + 18}" '
            f'text-anchor="middle">{escape(name)}</text>',
        ]
    return _svg(height, label, body)


def range_chart(rows: list[Range], label: str, unit: str = "x") -> str:
    """Per row, a line from the lowest to the highest value, a dot at the median and a red mark
    at the threshold (under them), on one scale from 0 with ticks at whole units."""
    area = WIDTH - LABEL_W - NOTE_W
    top = 18
    largest = max([r.high for r in rows] + [r.threshold_high or 0 for r in rows] + [1.0])
    scale = area / (largest * 1.05)

    def at(value: float) -> float:
        return round(LABEL_W + max(value, 0.0) * scale, 1)

    height = top + max(len(rows), 1) * RANGE_ROW_H + 4
    body = []
    # A tick at every whole unit, or every few units when the values run high.
    step = max(1, math.ceil(largest / 8))
    for tick in range(0, int(largest * 1.05) + 1, step):
        body += [f'<line class="grid" x1="{at(tick)}" y1="{top - 4}" x2="{at(tick)}" '
                 f'y2="{height}"/>',
                 f'<text class="tick" x="{at(tick)}" y="{top - 6}" text-anchor="middle">'
                 f"{tick}{escape(unit)}</text>"]
    for row, item in enumerate(rows):
        y = top + row * RANGE_ROW_H + RANGE_ROW_H // 2
        body += [f'<text class="label" x="{LABEL_W - 8}" y="{y - 3}" text-anchor="end">'
                 f"{escape(item.label)}</text>",
                 f'<text class="sublabel" x="{LABEL_W - 8}" y="{y + 11}" text-anchor="end">'
                 f"{escape(item.sublabel)}</text>"]
        if item.threshold_low is not None:
            high = item.threshold_high if item.threshold_high is not None else item.threshold_low
            body.append(f'<rect class="threshold" x="{at(item.threshold_low) - 1}" y="{y - 8}" '
                        f'width="{max(at(high) - at(item.threshold_low), 0) + 2}" height="16">'
                        f"<title>threshold {escape(span(item.threshold_low, high, unit))}"
                        "</title></rect>")
        body += [f'<line class="range" x1="{at(item.low)}" y1="{y}" x2="{at(item.high)}" '
                 f'y2="{y}"/>',
                 f'<circle class="median" cx="{at(item.median)}" cy="{y}" r="5"><title>'
                 f"{escape(item.label)} {escape(item.sublabel)}: {escape(item.note)}"
                 "</title></circle>",
                 f'<text class="note" x="{LABEL_W + area + 8}" y="{y + 4}">{escape(item.note)}'
                 "</text>"]
    return _svg(height, label, body)


def span(low: float, high: float, unit: str) -> str:
    """"1.40x", or "1.40-2.20x" when low and high differ."""
    return f"{low:.2f}{unit}" if low == high else f"{low:.2f}-{high:.2f}{unit}"
