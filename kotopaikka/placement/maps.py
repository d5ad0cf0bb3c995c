"""A map of Finland coloured by free municipal places, drawn as server-side SVG from the
shipped municipality boundaries (Statistics Finland / NLS, CC BY 4.0). No tiles, no internet."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from html import escape

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotopaikka.registry.loader import DATA_DIR
from kotopaikka.registry.models import Municipality

WIDTH, HEIGHT = 360, 640
LAT0 = 64.5  # centre latitude for the projection's x scale


@dataclass(frozen=True)
class MapClass:
    """One class of the map: a fill colour with at least 3:1 contrast against the white page
    (WCAG 1.4.11) and a white pattern over it, so that classes differ by more than colour
    (WCAG 1.4.1; the classes' colours are not all 3:1 from each other). One class is solid."""

    key: str
    colour: str
    pattern: str  # SVG drawn in white over the colour in a 4 x 4 tile, "" for a solid fill
    label: object  # lazy translation

    def fill(self) -> str:
        return f"url(#kp-map-{self.key})" if self.pattern else self.colour


_WHITE = 'stroke="#ffffff" stroke-width="0.9" fill="none"'
#: Contrast against white: grey 4.5, red 7.1, orange 6.1, teal 5.5, blue 5.7, dark blue 12.0.
NO_AGREEMENT = MapClass("none", "#767676", "", gettext_lazy("no agreement"))
CLASSES = [
    # (upper limit of the free share, class), lowest first
    (
        0.0,
        MapClass(
            "full",
            "#b01038",
            f'<path d="M0,0 L4,4 M4,0 L0,4" {_WHITE}/>',
            gettext_lazy("full or over"),
        ),
    ),
    (
        0.1,
        MapClass(
            "low",
            "#a84300",
            f'<path d="M-1,1 L1,-1 M0,4 L4,0 M3,5 L5,3" {_WHITE}/>',
            gettext_lazy("free: under 10 %"),
        ),
    ),
    (
        0.3,
        MapClass(
            "some",
            "#00757a",
            '<circle cx="2" cy="2" r="0.9" fill="#ffffff"/>',
            gettext_lazy("free: 10–30 %"),
        ),
    ),
    (
        0.6,
        MapClass(
            "many", "#2a62c9", f'<path d="M0,2 L4,2" {_WHITE}/>', gettext_lazy("free: 30–60 %")
        ),
    ),
    (
        1.01,
        MapClass(
            "most",
            "#0000bf",
            f'<path d="M-1,3 L1,5 M0,0 L4,4 M3,-1 L5,1" {_WHITE}/>',
            gettext_lazy("free: over 60 %"),
        ),
    ),
]
LEGEND = [NO_AGREEMENT, *(c for _limit, c in CLASSES)]


@dataclass(frozen=True)
class MapRow:
    """One municipality as the map shows it: also the map's text alternative (a table row)."""

    code: str
    name: str
    free: int | None
    agreed: int | None
    map_class: MapClass


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


def _class(share: float | None) -> MapClass:
    if share is None:
        return NO_AGREEMENT
    for limit, map_class in CLASSES:
        if share < limit:
            return map_class
    return CLASSES[-1][1]


def map_rows(rows) -> list[MapRow]:
    """Every municipality on the map with its free and agreed persons' places and its class,
    in the order of its name in the active language: the map's data as a table."""
    by_code = {row.municipality.code: row for row in rows}
    names = {m.code: m.name for m in Municipality.objects.all()}
    found = []
    for code, (_d, finnish_name) in _paths().items():
        row = by_code.get(code)
        name = names.get(code) or finnish_name
        if row is None or not row.usage.agreed["persons"]:
            found.append(MapRow(code, name, None, None, NO_AGREEMENT))
            continue
        free, agreed = row.usage.free["persons"], row.usage.agreed["persons"]
        found.append(MapRow(code, name, free, agreed, _class(max(free, 0) / agreed)))
    return sorted(found, key=lambda r: r.name)


def _title(row: MapRow | None) -> str:
    """The tooltip of one municipality (for the pointer; the table says the same)."""
    if row is None:
        return ""
    if row.agreed is None:
        return f"{row.name}: " + _("no agreement")
    return f"{row.name}: " + _("%(free)s of %(agreed)s places free") % {
        "free": row.free,
        "agreed": row.agreed,
    }


def _legend_swatch(map_class: MapClass, x: float, y: float) -> str:
    return (
        f'<rect x="{x}" y="{y}" width="16" height="16" fill="{map_class.fill()}" '
        'stroke="#1a1a1a" stroke-width="1"/>'
    )


def free_places_map(rows: list[MapRow]) -> str:
    """SVG markup: each municipality filled by its class (`map_rows`). An image with a short
    title; the numbers are in the table that the dashboard links from it."""
    by_code = {row.code: row for row in rows}
    defs = "".join(
        f'<pattern id="kp-map-{c.key}" patternUnits="userSpaceOnUse" width="4" height="4">'
        f'<rect width="4" height="4" fill="{c.colour}"/>{c.pattern}</pattern>'
        for c in LEGEND
        if c.pattern
    )
    shapes = []
    for code, (d, _finnish_name) in sorted(_paths().items()):
        row = by_code.get(code)
        map_class = row.map_class if row else NO_AGREEMENT
        shapes.append(
            f'<path d="{d}" fill="{map_class.fill()}" stroke="#ffffff" stroke-width="0.3" '
            f'data-code="{code}" data-class="{map_class.key}"><title>{escape(_title(row))}</title>'
            "</path>"
        )
    legend_svg = "".join(
        _legend_swatch(c, WIDTH + 10, 20 + i * 24)
        + f'<text x="{WIDTH + 32}" y="{33 + i * 24}" font-size="12">{escape(str(c.label))}</text>'
        for i, c in enumerate(LEGEND)
    )
    title = _("Free municipal places by municipality")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH + 160} {HEIGHT}" role="img" '
        f'aria-labelledby="map-title" class="kp-map"><title id="map-title">{escape(title)}</title>'
        f"<defs>{defs}</defs>" + "".join(shapes) + legend_svg + "</svg>"
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
