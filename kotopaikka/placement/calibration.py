"""The outcome model card's calibration plot as inline SVG (no chart library, no script): the
mean predicted probability of each bin against the employment rate observed in it, with the
diagonal of a perfectly calibrated model. The card shows the same figures as a table, so the
plot is decorative for screen readers (`aria-hidden`) and the table is the text alternative."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

SIZE = 240
PAD = 32


def _xy(p: float, rate: float) -> tuple[float, float]:
    inner = SIZE - 2 * PAD
    return PAD + inner * p, SIZE - PAD - inner * rate


def _n(x: float) -> str:
    """A coordinate as text (format_html escapes its arguments to text before formatting)."""
    return f"{x:.1f}"


def calibration_svg(table: list[dict]) -> SafeString:
    """The plot of ``report["calibration"]`` rows (bins with ``mean_predicted``,
    ``observed_rate`` and ``n``); the area of each dot grows with its bin's rows."""
    if not table:
        return SafeString("")
    biggest = max(row["n"] for row in table) or 1
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="{}" fill="#0000bf"/>',
        (
            (
                *map(_n, _xy(row["mean_predicted"], row["observed_rate"])),
                _n(2 + 5 * (row["n"] / biggest) ** 0.5),
            )
            for row in table
        ),
    )
    x0, y0 = _xy(0, 0)
    x1, y1 = _xy(1, 1)
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>'
        '<text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>',
        (
            (
                _n(_xy(t, 0)[0]),
                _n(y0 + 14),
                f"{t:.1f}",
                _n(x0 - 4),
                _n(_xy(0, t)[1] + 3),
                f"{t:.1f}",
            )
            for t in (0.0, 0.5, 1.0)
        ),
    )
    return format_html(
        '<svg class="kp-calibration" role="img" aria-hidden="true" focusable="false" '
        'viewBox="0 0 {size} {size}" width="{size}" height="{size}">'
        '<rect x="{x0}" y="{y1}" width="{w}" height="{w}" fill="none" stroke="#808080"/>'
        '<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#808080" stroke-dasharray="4 3"/>'
        "{dots}{ticks}</svg>",
        size=SIZE,
        x0=_n(x0),
        y0=_n(y0),
        x1=_n(x1),
        y1=_n(y1),
        w=_n(x1 - x0),
        dots=dots,
        ticks=ticks,
    )
