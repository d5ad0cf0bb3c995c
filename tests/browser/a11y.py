"""The accessibility audit's machinery: axe-core in the page, a crawler over a role's pages, the
320 px reflow measurement and the focus-indicator check. Used by test_accessibility.py and
test_keyboard.py; kept apart from them so that the tests read as what they check.

axe-core is vendored under ``vendor/axe-core/`` (see its SOURCE.txt) and injected with
``BrowserContext.add_init_script``, which runs it in every document the context opens through
the DevTools protocol: no CDN, no change to the pages and no exception to their
Content-Security-Policy.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
#: The rule sets of WCAG 2.0 and 2.1, levels A and AA (axe's tag names).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
DESKTOP = {"width": 1280, "height": 900}
#: Lines for the end of the pytest run (conftest.pytest_terminal_summary): the counts the CI log
#: must show, also when every test passes and pytest's capture hides their output.
SUMMARY: list[str] = []
#: WCAG 1.4.10 Reflow: content usable at 320 CSS px without scrolling in two dimensions.
REFLOW_WIDTH = 320

#: Links the crawler never follows: not pages (files, JSON, actions) or not ours.
_NOT_PAGES = re.compile(
    r"^/(?:api/|static/|media/|i18n/|accounts/logout/|health/|favicon\.ico)"
    r"|\.(?:csv|pdf|json|svg|png)$|/document/$|/export"
)
#: Django's admin: the same history and delete pages for every model; the "view on site"
#: redirect and the JavaScript catalogue are not pages.
_ADMIN_GENERIC = re.compile(r"^/admin/[^/]+/[^/]+/\{n\}/(history|delete|password)/$")
_ADMIN_NOT_PAGES = re.compile(r"^/admin/(?:r/|jsi18n/|logout/)")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_NUMBER = re.compile(r"/\d+(?=/)")


def install_axe(context) -> None:
    """Make `window.axe` available in every page of the context."""
    context.add_init_script(path=str(AXE_JS))


def axe_rules(page) -> list[str]:
    """Ids of the axe rules that the audit runs (the WCAG 2.0/2.1 A and AA ones)."""
    return page.evaluate("(tags) => axe.getRules(tags).map(r => r.ruleId).sort()", list(WCAG_TAGS))


_MAIN_KEY = r"""async () => {
  // The content of <main> without the per-request CSRF tokens: pages whose main content is
  // the same (the municipalities page for every role) need axe over it only once.
  const main = document.querySelector("main");
  if (!main) return "";
  const text = main.innerHTML.replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, "");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, "0")).join("");
}"""

_RUN_AXE = r"""async ([tags, skipMain]) => {
  const main = document.querySelector("main");
  const inMain = (el) => !!(main && el && main.contains(el));
  const result = await axe.run(skipMain && main ? {exclude: [["main"]]} : document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
    elementRef: true,
  });
  // Not in axe's WCAG rules as a violation (it reports a missing id as "needs review"):
  // an ARIA reference to an id that does not exist, e.g. aria-describedby="id_x_helptext"
  // when no element has that id, leaves the control without its description (1.3.1, 4.1.2).
  const dangling = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls", "aria-owns",
                      "aria-errormessage", "aria-activedescendant", "aria-details"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      if (skipMain && inMain(el)) continue;
      const missing = el.getAttribute(attr).split(/\s+/).filter(id => id && !document.getElementById(id));
      if (missing.length) dangling.push({
        target: (el.id ? "#" + el.id : el.tagName.toLowerCase()) + `[${attr}]`,
        html: el.outerHTML.slice(0, 240), summary: `no element with id ${missing.join(", ")}`,
        in_main: inMain(el),
      });
    }
  }
  // Ours too (WCAG 1.4.10 with 2.1.1): a table scrolls sideways only inside its own wrapper,
  // which the keyboard can focus (to scroll it) and which is named (a labelled region).
  const unwrapped = [];
  for (const table of document.querySelectorAll("table.kp-table")) {
    if (skipMain && inMain(table)) continue;
    const wrap = table.closest(".kp-table-wrap");
    const named = wrap && (wrap.getAttribute("aria-label")
      || (wrap.getAttribute("aria-labelledby") || "").split(/\s+/).some(id => document.getElementById(id)));
    if (!wrap || wrap.getAttribute("tabindex") !== "0" || wrap.getAttribute("role") !== "region" || !named) {
      unwrapped.push({target: "table.kp-table", html: table.outerHTML.slice(0, 240),
        summary: "not inside a focusable, labelled .kp-table-wrap region", in_main: inMain(table)});
    }
  }
  const own = (dangling.length ? [{
    id: "kotopaikka-idref-exists", impact: "serious",
    help: "ARIA attributes must refer to elements that exist", nodes: dangling,
  }] : []).concat(unwrapped.length ? [{
    id: "kotopaikka-table-wrapper", impact: "serious",
    help: "Tables must scroll inside a focusable, labelled wrapper", nodes: unwrapped,
  }] : []);
  return own.concat(result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({
      target: n.target.join(" "), html: n.html.slice(0, 240),
      summary: (n.failureSummary || "").slice(0, 400), in_main: inMain(n.element),
    })),
  }))).map(v => ({...v, count: v.nodes.length, nodes: v.nodes.slice(0, 50)}));
}"""


def run_axe(page, *, skip_main: bool = False) -> list[dict]:
    """axe's WCAG A/AA violations on the page as it is now (outside <main> only, when
    `skip_main`); each node says whether it is inside <main>."""
    return page.evaluate(_RUN_AXE, [list(WCAG_TAGS), skip_main])


def _only(violations: list[dict], *, in_main: bool) -> list[dict]:
    found = []
    for v in violations:
        nodes = [n for n in v["nodes"] if n["in_main"] == in_main]
        if nodes:
            found.append({**v, "nodes": nodes, "count": len(nodes)})
    return found


def _merge(*lists: list[dict]) -> list[dict]:
    by_rule: dict[str, dict] = {}
    for violations in lists:
        for v in violations:
            if v["id"] in by_rule:
                by_rule[v["id"]]["nodes"] += v["nodes"]
                by_rule[v["id"]]["count"] += v["count"]
            else:
                by_rule[v["id"]] = {**v, "nodes": list(v["nodes"])}
    return list(by_rule.values())


_OVERFLOW = r"""(limit) => {
  const width = document.documentElement.scrollWidth;
  const found = [];
  if (width > limit) {
    const clipped = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o !== "visible") return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > limit + 0.5 && !clipped(el)) {
        const kids = [...el.children].some(c => c.getBoundingClientRect().right > limit + 0.5);
        if (!kids) {
          found.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
            + (el.className && typeof el.className === "string"
               ? "." + el.className.trim().split(/\s+/).join(".") : "")
            + " right=" + Math.round(r.right));
        }
      }
      if (found.length >= 5) break;
    }
    if (!found.length) {  // text overflowing its box (a long word) moves no element's edge
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n && found.length < 5; n = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(n);
        const r = range.getBoundingClientRect();
        if (r.width && r.right > limit + 0.5 && !clipped(n.parentElement)
            && getComputedStyle(n.parentElement).overflow === "visible") {
          found.push("text " + JSON.stringify(n.textContent.trim().slice(0, 40))
            + " in " + n.parentElement.tagName.toLowerCase() + " right=" + Math.round(r.right));
        }
      }
    }
  }
  return {width, offenders: found};
}"""


def width_at(page, width: int = REFLOW_WIDTH) -> tuple[int, list[str]]:
    """The document's scroll width with the viewport `width` CSS px wide (as at 400 % zoom of
    a 1280 px window), and the outermost elements sticking out of it; the viewport is put back.
    """
    page.set_viewport_size({"width": width, "height": 640})
    try:
        measured = page.evaluate(_OVERFLOW, width)
    finally:
        page.set_viewport_size(DESKTOP)
    return measured["width"], measured["offenders"]


def pattern(url: str) -> str:
    """The page's route shape: ids replaced, query keys kept (`/persons/{id}/edit/`)."""
    parts = urlsplit(url)
    path = _NUMBER.sub("/{n}", _UUID.sub("{id}", parts.path))
    if _ADMIN_GENERIC.match(path):
        path = re.sub(r"^/admin/[^/]+/[^/]+/", "/admin/*/*/", path)
    keys = sorted({k for k, _v in parse_qsl(parts.query)})
    return path + ("?" + "&".join(keys) if keys else "")


def local_path(url: str, origin: str) -> str | None:
    """`url` as a path with query on this server, or None when it is not a page to audit."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or _NOT_PAGES.search(parts.path):
        return None
    if any(k == "format" for k, _v in parse_qsl(parts.query)):
        return None
    if parts.path.startswith("/admin/"):
        # The admin's filters and sorting are the same page with other rows.
        return None if _ADMIN_NOT_PAGES.match(parts.path) else parts.path
    query = urlencode(parse_qsl(parts.query))
    return parts.path + ("?" + query if query else "")


@dataclass
class PageResult:
    """What the audit found on one page load (or page state, such as a failed submit)."""

    role: str
    language: str
    label: str
    url: str
    status: int | None
    violations: list[dict]
    scroll_width: int | None = None
    offenders: list[str] = field(default_factory=list)
    has_statement_link: bool = True
    expect_error: bool = False  # an error page visited on purpose
    seconds: float = 0.0  # loading, axe and the reflow measurement

    def describe(self) -> str:
        return f"[{self.role}, {self.language}] {self.label} ({self.url})"


@dataclass
class Audit:
    """Collects the results of every page the audit loaded, for the tests to assert on."""

    results: list[PageResult] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: failed submits after which the error summary did not have the focus
    focus_failures: list[str] = field(default_factory=list)
    #: crawls stopped by Crawler.MAX_PAGES (the audit fails: pages would go unchecked)
    truncated: list[str] = field(default_factory=list)
    #: axe's findings inside <main> by the main content's digest, and how often reused
    main_results: dict[str, list[dict]] = field(default_factory=dict)
    reused: int = 0

    def violations(self) -> list[str]:
        lines = []
        for r in self.results:
            for v in r.violations:
                nodes = "; ".join(f"{n['target']} – {n['summary']}" for n in v["nodes"][:3])
                lines.append(
                    f"{r.describe()}: {v['id']} ({v['impact']}, {v['count']} nodes): "
                    f"{v['help']}: {nodes}"
                )
        return lines

    def rules_violated(self) -> Counter:
        return Counter(v["id"] for r in self.results for v in r.violations)

    def dump(self, path: str) -> None:
        """Write every page's result as JSON (KOTOPAIKKA_A11Y_REPORT=path), for reading."""
        import json
        from dataclasses import asdict

        with open(path, "w", encoding="utf-8") as fh:
            json.dump([asdict(r) for r in self.results], fh, ensure_ascii=False, indent=1)


class Crawler:
    """Loads pages in one browser page (one context per role), audits each and follows the
    links it finds, visiting each route shape a bounded number of times."""

    #: Visits per route shape: pages with an id in their path once (one person stands for
    #: all), pages that differ by their query (filters, tabs) a few times.
    PER_ID_SHAPE = 1
    PER_SHAPE = 3
    #: A guard against a crawl that never ends; reaching it fails the audit (`truncated`).
    MAX_PAGES = 150

    def __init__(self, page, audit: Audit, *, role: str, language: str, origin: str) -> None:
        self.page, self.audit = page, audit
        self.role, self.language, self.origin = role, language, origin
        self.seen: set[str] = set()
        self.shapes: Counter = Counter()
        self.truncated = False
        self._loading = 0.0

    def check(
        self, label: str, *, reflow: bool = True, status: int | None = 200, expect_error=False
    ) -> PageResult:
        """Audit the page as it is now (after a navigation or an action)."""
        started = time.monotonic()
        if not self.audit.rules:
            self.audit.rules = axe_rules(self.page)
        key = self.page.evaluate(_MAIN_KEY)
        if key and key in self.audit.main_results:
            # The same main content was audited on another page load: axe runs over the rest.
            violations = _merge(run_axe(self.page, skip_main=True), self.audit.main_results[key])
            self.audit.reused += 1
        else:
            violations = run_axe(self.page)
            if key:
                self.audit.main_results[key] = _only(violations, in_main=True)
        result = PageResult(
            role=self.role,
            language=self.language,
            label=label,
            url=self.page.url,
            status=status,
            violations=violations,
            expect_error=expect_error,
            has_statement_link=self.page.locator(
                "footer a[data-testid=accessibility-statement]"
            ).count()
            == 1,
        )
        if reflow:
            result.scroll_width, result.offenders = width_at(self.page)
        result.seconds = time.monotonic() - started + self._loading
        self._loading = 0.0
        self.audit.results.append(result)
        return result

    def visit(self, path: str, label: str | None = None, *, expect_error=False) -> PageResult:
        self.seen.add(path)
        self.shapes[pattern(path)] += 1
        started = time.monotonic()
        response = self.page.goto(path)
        self.page.wait_for_load_state("load")
        self._loading = time.monotonic() - started
        status = response.status if response else None
        return self.check(label or pattern(path), status=status, expect_error=expect_error)

    def links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        found = []
        for href in hrefs:
            path = local_path(href.split("#")[0], self.origin)
            if path and path not in found:
                found.append(path)
        return found

    def _wanted(self, path: str) -> bool:
        if path in self.seen:
            return False
        shape = pattern(path)
        limit = self.PER_ID_SHAPE if "{" in shape else self.PER_SHAPE
        return self.shapes[shape] < limit

    def crawl(self, start: list[str], *, depth: int | None = None) -> None:
        """Breadth-first from `start`; `depth` 1 means the start pages and the links on them."""
        frontier = [(p, 0) for p in start]
        while frontier and len(self.seen) < self.MAX_PAGES:
            path, level = frontier.pop(0)
            if not self._wanted(path):
                continue
            self.visit(path)
            if depth is None or level < depth:
                frontier += [(p, level + 1) for p in self.links() if self._wanted(p)]
        if frontier and any(self._wanted(p) for p, _level in frontier):
            self.truncated = True
            self.audit.truncated.append(f"{self.role}/{self.language}")


def timed(audit: Audit):
    """Context manager adding the time spent inside to `audit.seconds`."""

    class _Timer:
        def __enter__(self):
            self.start = time.monotonic()

        def __exit__(self, *exc):
            audit.seconds += time.monotonic() - self.start

    return _Timer()


# --------------------------------------------------------------------------------------------
# Focus indicator


#: What the keyboard can reach, in document order (Kotopaikka uses no positive tabindex).
_MARK_FOCUSABLE = r"""() => {
  const selector = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]),"
    + " select:not([disabled]), textarea:not([disabled]), summary,"
    + " [tabindex]:not([tabindex='-1'])";
  const found = [];
  const radios = new Set();
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest("[inert], details:not([open]) > :not(summary)")) continue;
    if (!el.checkVisibility({visibilityProperty: true}) && !el.classList.contains("skip-link")) continue;
    if (el.type === "radio") {  // a radio group is one Tab stop
      const key = (el.form ? el.form.id || [...document.forms].indexOf(el.form) : "") + el.name;
      if (radios.has(key)) continue;
      radios.add(key);
    }
    el.dataset.kpTab = String(found.length);
    found.push(describe(el));
  }
  return found;
  function describe(el) {
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : "")
      + (el.type && el.tagName !== "BUTTON" ? "[type=" + el.type + "]" : "")
      + (el.tagName === "A" || el.tagName === "BUTTON" ? " " + JSON.stringify(el.textContent.trim().slice(0, 30)) : "");
  }
}"""


def mark_focusable(page) -> list[str]:
    """Number every element the keyboard should reach (data-kp-tab) and describe each."""
    return page.evaluate(_MARK_FOCUSABLE)


_FOCUS_STYLE = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  // The colour behind the indicator: the first opaque background among the ancestors
  // (the outline is drawn outside the element, over its parent).
  let behind = {r: 255, g: 255, b: 255, a: 1};
  for (let p = el.parentElement; p; p = p.parentElement) {
    const c = parse(getComputedStyle(p).backgroundColor);
    if (c && c.a > 0.9) { behind = c; break; }
  }
  const s = getComputedStyle(el);
  let outline = s.outlineStyle !== "none" ? parseFloat(s.outlineWidth) : 0;
  let colour = parse(s.outlineColor);
  if (!outline && s.boxShadow && s.boxShadow !== "none") {  // a ring drawn as a box shadow
    const m = s.boxShadow.match(/(rgba?\([^)]+\))\s+0px\s+0px\s+0px\s+([\d.]+)px/);
    if (m) { colour = parse(m[1]); outline = parseFloat(m[2]); }
  }
  const describe = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : "")
    + (el.type ? "[type=" + el.type + "]" : "");
  return {
    index: el.dataset.kpTab === undefined ? null : Number(el.dataset.kpTab),
    element: describe,
    outline_width: outline,
    contrast: colour && outline ? ratio(colour, behind) : 0,
    focus_visible: el.matches(":focus-visible"),
  };
}"""


def focus_indicator(page) -> dict | None:
    """The focused element and its focus outline: width (px) and contrast against the colour
    behind it (WCAG 2.4.7 and 1.4.11: visible, at least 3:1). None when nothing is focused."""
    return page.evaluate(_FOCUS_STYLE)


def tab_through(page, limit: int = 300) -> list[dict]:
    """Press Tab until the focus leaves the page (or comes back to where it started): the
    focus indicator at every stop. A date input is several stops (its parts and its calendar
    button), each of which must show the ring."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = focus_indicator(page)
        if stop is None or (stops and stop["index"] == stops[0]["index"] and len(stops) > 2):
            break
        stops.append(stop)
    return stops


def distinct_in_order(stops: list[dict]) -> list[int | None]:
    """The elements reached, each once, in the order reached (a date input's parts collapse)."""
    order: list[int | None] = []
    for stop in stops:
        if not order or order[-1] != stop["index"]:
            order.append(stop["index"])
    return order
