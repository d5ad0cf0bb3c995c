"""A map of Finland coloured by free municipal places, drawn as server-side SVG from the
shipped municipality boundaries (Statistics Finland / NLS, CC BY 4.0). No tiles, no internet."""

from __future__ import annotations

import json
import math
from functools import cache
from html import escape

from django.utils.translation import gettext as _

from kotopaikka.registry.loader import DATA_DIR

WIDTH, HEIGHT = 360, 640
LAT0 = 64.5  # centre latitude for the projection's x scale
#: free share of persons' places → colour (light to dark blue); grey without an agreement
SCALE = [(0.0, "#b01038"), (0.1, "#f5a3c7"), (0.3, "#cce8ff"), (0.6, "#6fa8dc"), (1.01, "#0000bf")]
NO_AGREEMENT = "#dedfe1"


@cache
def _paths() -> dict[str, tuple[str, str]]:
    """Municipality code -> (SVG path, Finnish name), projected once per process."""
    with (DATA_DIR / "municipalities_2025.geojson").open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    kx = math.cos(math.radians(LAT0))
    points = [
        (lon * kx, lat)
        for f in features
        for poly in _polygons(f["geometry"])
        for ring in poly
        for lon, lat in ring
    ]
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    scale = min((WIDTH - 10) / (max_x - min_x), (HEIGHT - 10) / (max_y - min_y))

    def xy(lon: float, lat: float) -> str:
        return f"{(lon * kx - min_x) * scale + 5:.1f},{(max_y - lat) * scale + 5:.1f}"

    out = {}
    for f in features:
        props = f["properties"]
        d = " ".join(
            "M" + " L".join(xy(lon, lat) for lon, lat in ring) + " Z"
            for poly in _polygons(f["geometry"])
            for ring in poly
        )
        out[str(props["kunta"]).zfill(3)] = (d, props.get("nimi", ""))
    return out


def _polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def _colour(share: float | None) -> str:
    if share is None:
        return NO_AGREEMENT
    for limit, colour in SCALE:
        if share < limit:
            return colour
    return SCALE[-1][1]


def free_places_map(rows) -> str:
    """SVG markup: each municipality filled by its share of free person places."""
    by_code = {row.municipality.code: row for row in rows}
    shapes = []
    for code, (d, finnish_name) in sorted(_paths().items()):
        row = by_code.get(code)
        if row is None or not row.usage.agreed["persons"]:
            share, title = None, f"{finnish_name}: " + _("no agreement")
        else:
            free, agreed = row.usage.free["persons"], row.usage.agreed["persons"]
            share = max(free, 0) / agreed
            title = f"{row.municipality.name}: " + _("%(free)s of %(agreed)s places free") % {
                "free": free,
                "agreed": agreed,
            }
        shapes.append(
            f'<path d="{d}" fill="{_colour(share)}" stroke="#ffffff" stroke-width="0.3" data-code="{code}">'
            f"<title>{escape(title)}</title></path>"
        )
    legend = [
        (NO_AGREEMENT, _("no agreement")),
        (SCALE[0][1], _("full or over")),
        (SCALE[1][1], _("free: under 10 %")),
        (SCALE[2][1], _("free: 10–30 %")),
        (SCALE[3][1], _("free: 30–60 %")),
        (SCALE[4][1], _("free: over 60 %")),
    ]
    legend_svg = "".join(
        f'<rect x="{WIDTH + 10}" y="{20 + i * 22}" width="14" height="14" fill="{c}" stroke="#666" stroke-width="0.5"/>'
        f'<text x="{WIDTH + 30}" y="{31 + i * 22}" font-size="12">{escape(str(label))}</text>'
        for i, (c, label) in enumerate(legend)
    )
    title = _("Free municipal places by municipality")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH + 160} {HEIGHT}" role="img" '
        f'aria-labelledby="map-title" class="kp-map"><title id="map-title">{escape(title)}</title>'
        + "".join(shapes)
        + legend_svg
        + "</svg>"
    )


def region_bars(regions) -> str:
    """Server-side SVG bar chart: persons' places agreed vs. in use (proposed + accepted +
    arrived) per region. `regions` is a list of (region, Usage)."""
    rows = [
        (region.name, usage.agreed["persons"] or 0, usage.used("persons"))
        for region, usage in regions
    ]
    if not rows:
        return ""
    top = max(max(agreed, used) for _name, agreed, used in rows) or 1
    label_w, bar_w, row_h = 150, 260, 22
    height = row_h * len(rows) + 40
    parts = []
    for i, (name, agreed, used) in enumerate(rows):
        y = 10 + i * row_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="11" text-anchor="end">{escape(name)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w * agreed / top:.1f}" height="14" fill="#cce8ff">'
            f"<title>{escape(name)}: {agreed}</title></rect>"
            f'<rect x="{label_w}" y="{y + 6}" width="{bar_w * used / top:.1f}" height="6" fill="#0000bf">'
            f"<title>{escape(name)}: {used}</title></rect>"
            f'<text x="{label_w + bar_w + 6}" y="{y + 13}" font-size="11">{used} / {agreed}</text>'
        )
    legend_y = height - 14
    title = _("Persons' places by region: in use / agreed")
    agreed_label, used_label = escape(_("agreed")), escape(_("in use"))
    parts.append(
        f'<rect x="{label_w}" y="{legend_y - 9}" width="12" height="10" fill="#cce8ff"/>'
        f'<text x="{label_w + 16}" y="{legend_y}" font-size="11">{agreed_label}</text>'
        f'<rect x="{label_w + 90}" y="{legend_y - 7}" width="12" height="6" fill="#0000bf"/>'
        f'<text x="{label_w + 106}" y="{legend_y}" font-size="11">{used_label}</text>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + bar_w + 80} {height}" role="img" '
        f'aria-labelledby="bars-title" class="kp-chart"><title id="bars-title">{escape(title)}</title>'
        + "".join(parts)
        + "</svg>"
    )
