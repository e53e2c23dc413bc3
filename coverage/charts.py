"""Geometry for the server-rendered SVG pictures (the templates draw them).

No inline styles (the CSP forbids them): colours are SVG presentation attributes
(`fill="…"`), which the policy allows. Each step of the heat map's colour scale also
prints its number in the cell, in a text colour with at least 4.5:1 contrast, so the
picture reads without colour too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats

# Sequential blues, light to dark; text colour per step for 4.5:1 contrast or better.
HEAT_STEPS = [
    (0, "#f4f1ea", "#4a4f55"),  # none: warm grey, dark text
    (1, "#c6dbef", "#1b1f23"),
    (2, "#6baed6", "#1b1f23"),
    (3, "#2171b5", "#ffffff"),
    (4, "#08306b", "#ffffff"),  # 4 or more
]


def heat_colour(count: int) -> tuple[str, str]:
    for threshold, fill, text in reversed(HEAT_STEPS):
        if count >= threshold:
            return fill, text
    return HEAT_STEPS[0][1], HEAT_STEPS[0][2]


@dataclass
class HeatCell:
    x: int
    y: int
    count: int
    fill: str
    text: str
    label: str


@dataclass
class HeatRow:
    y: int
    name: str
    cells: list[HeatCell]


LABEL_WIDTH = 230
CELL_W = 56
CELL_H = 24
HEADER_H = 28


def heat_map(rows, buckets) -> dict:
    """Rows of workplaces × columns of quarters; each cell carries its count."""
    result = []
    for index, row in enumerate(rows):
        y = HEADER_H + index * CELL_H
        cells = []
        for column, bucket in enumerate(buckets):
            count = row.quarters[column]
            fill, text = heat_colour(count)
            cells.append(HeatCell(LABEL_WIDTH + column * CELL_W, y, count, fill, text, bucket.label))
        name = row.name if len(row.name) <= 30 else row.name[:29] + "…"
        result.append(HeatRow(y, name, cells))
    width = LABEL_WIDTH + CELL_W * len(buckets) + 8
    height = HEADER_H + CELL_H * len(rows) + 4
    columns = [(LABEL_WIDTH + i * CELL_W + CELL_W // 2, b.label, b.partial) for i, b in enumerate(buckets)]
    legend = [(fill, text, threshold) for threshold, fill, text in HEAT_STEPS]
    return {
        "rows": result,
        "columns": columns,
        "width": width,
        "height": height,
        "cell_w": CELL_W - 2,
        "cell_h": CELL_H - 2,
        "legend": legend,
    }


@dataclass
class Bar:
    x: float
    y: float
    height: float
    count: int
    label: str
    tick: str


def nice_max(top: int) -> int:
    """The smallest of 5, 10, 20, 50, 100, 200, 500, … that is at least `top`."""
    scale = 1
    while True:
        for step in (5, 10, 20):
            if step * scale >= top:
                return step * scale
        scale *= 10
        if 5 * scale >= top:
            return 5 * scale


CHART_W = 720
CHART_H = 240
PAD_L, PAD_R, PAD_T, PAD_B = 40, 10, 24, 44


def monthly_chart(months, counts: list[int], elections: list[tuple[dt.date, str]]) -> dict:
    """Bars of held meetings per month, with election dates as marked vertical lines."""
    axis_max = nice_max(max(counts, default=0))
    n = max(len(months), 1)
    plot_w, plot_h = CHART_W - PAD_L - PAD_R, CHART_H - PAD_T - PAD_B
    slot = plot_w / n
    bars = []
    every = 1 if n <= 14 else (2 if n <= 28 else 4 if n <= 56 else 12)
    for index, (bucket, count) in enumerate(zip(months, counts, strict=True)):
        height = plot_h * count / axis_max
        bars.append(
            Bar(
                x=PAD_L + index * slot + slot * 0.15,
                y=PAD_T + plot_h - height,
                height=height,
                count=count,
                label=bucket.label,
                tick=formats.date_format(bucket.start, "b y") if index % every == 0 else "",
            )
        )
    markers = []
    if months:
        first, last = months[0].start, months[-1].end
        span = (last - first).days + 1
        for day, name in elections:
            x = PAD_L + plot_w * ((day - first).days + 0.5) / span
            anchor = "end" if x > CHART_W - 90 else "start" if x < PAD_L + 60 else "middle"
            markers.append({"x": round(x, 1), "date": day, "name": name, "anchor": anchor})
    grid = [
        {"y": round(PAD_T + plot_h - plot_h * value / axis_max, 1), "value": value}
        for value in range(0, axis_max + 1, axis_max // 5)
    ]
    return {
        "bars": bars,
        "bar_w": round(slot * 0.7, 1),
        "markers": markers,
        "grid": grid,
        "width": CHART_W,
        "height": CHART_H,
        "left": PAD_L,
        "right": CHART_W - PAD_R,
        "top": PAD_T,
        "bottom": PAD_T + plot_h,
        "tick_y": PAD_T + plot_h + 16,
    }
