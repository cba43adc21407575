"""The HTML pages in a real headless browser (Chromium through the DevTools protocol).

The demo report of one notebook is generated as a user does (``ctgstats run``), then
the portal and the single-file report are built, and each page is opened from
``file://`` in Chromium: it must render (title, French text, every image decoded), log no
error, and make no request other than ``file://`` and ``data:`` URLs (every request is
listened to). The layout is checked too: on a 390 px phone screen no page is wider than
the screen, and the single-file report prints on numbered A4 pages (read back with
poppler's ``pdfinfo``/``pdftotext``/``pdfimages``), none blank, no table past the margin.
The protocol is spoken over a WebSocket with ``websocket-client``.

Chromium is Debian's (``scripts/install-browser.sh``); ``$CHROMIUM`` names another
binary. Without it the tests are skipped, with the reason.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import string
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ctgstats.publish.portal import (
    ANNEX_BUDGET_PAGES,
    PRINT_BUDGET_PAGES,
    single_file_report,
    write_portal,
)

REPO = Path(__file__).resolve().parents[1]
CTGSTATS = Path(sys.executable).parent / "ctgstats"
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
SLUG = "epci-000000101"
NOTEBOOK = "01_demographie"
DASHBOARD = "04_indicateurs"  # the indicators dashboard: its wide tables, on a phone
MAPS = "09_cartes"  # static maps inlined as images (no tile, no network)
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
PDFINFO, PDFTOTEXT, PDFIMAGES = (shutil.which(n) for n in ("pdfinfo", "pdftotext", "pdfimages"))

pytestmark = [
    pytest.mark.notebooks,  # runs the demo notebook with a kernel
    pytest.mark.skipif(
        not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)),
        reason=f"no Chromium at {CHROMIUM} (run scripts/install-browser.sh, "
        "or set CHROMIUM to a Chromium binary): browser tests skipped",
    ),
]

websocket = pytest.importorskip(
    "websocket", reason="websocket-client is not installed (pip install -e '.[test]')"
)

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--window-size=1280,900",
)
TIMEOUT = 60.0


# --------------------------------------------------------------------------------------
# A minimal DevTools client
# --------------------------------------------------------------------------------------


class Browser:
    """Headless Chromium driven over its DevTools WebSocket (one page at a time)."""

    def __init__(self, executable: str, workdir: Path) -> None:
        self.profile = workdir / "profile"
        self.profile.mkdir(parents=True)
        self.log_path = workdir / "chromium.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [
                executable,
                *CHROMIUM_FLAGS,
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        try:
            port, path = self._devtools_address()
            self.socket = websocket.create_connection(
                f"ws://127.0.0.1:{port}{path}", timeout=TIMEOUT, suppress_origin=True
            )
        except BaseException:
            self.close()
            raise

    def _devtools_address(self) -> tuple[str, str]:
        """Port and browser path Chromium writes in DevToolsActivePort once listening."""
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Chromium exited ({self.process.returncode}): "
                    f"{self.log_path.read_text(errors='replace')[-2000:]}"
                )
            if marker.is_file():
                lines = marker.read_text().split()
                if len(lines) >= 2:
                    return lines[0], lines[1]
            time.sleep(0.1)
        raise TimeoutError(f"Chromium did not open its DevTools port within {TIMEOUT} s")

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None
    ) -> dict[str, Any]:
        """Send a command and wait for its answer (events received meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            reply = json.loads(self.socket.recv())
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)
        raise TimeoutError(f"{method}: no answer within {TIMEOUT} s")

    def wait_for(self, method: str, *, session: str) -> dict[str, Any]:
        """Wait for an event of the session (already received, or to come)."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            for event in self.events:
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {TIMEOUT} s")
            reply = json.loads(self.socket.recv())
            if "method" in reply:
                self.events.append(reply)

    def open(
        self, url: str, *, javascript: bool = True, device: dict[str, Any] | None = None
    ) -> Page:
        """Load ``url`` in a new tab, listening to every request and log entry.

        ``device`` (``Emulation.setDeviceMetricsOverride`` parameters) emulates a screen.
        """
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        if not javascript:
            self.send("Emulation.setScriptExecutionDisabled", {"value": True}, session=session)
        if device is not None:
            self.send("Emulation.setDeviceMetricsOverride", device, session=session)
        self.events = [e for e in self.events if e.get("sessionId") != session]
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired", session=session)
        return Page(self, target, session)

    def close(self) -> None:
        try:
            if getattr(self, "socket", None) is not None:
                self.socket.close()
        finally:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)  # the group we started
                    self.process.wait(timeout=10)
            self._log.close()


class Page:
    """One loaded tab: evaluate JavaScript, read what it requested and logged."""

    def __init__(self, browser: Browser, target: str, session: str) -> None:
        self.browser, self.target, self.session = browser, target, session

    def evaluate(self, expression: str) -> Any:
        result = self.browser.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def settle(self) -> None:
        """Let images decode and pending events arrive (a no-op round trip)."""
        self.browser.send(
            "Runtime.evaluate",
            {
                "expression": "Promise.all(Array.from(document.images).map("
                "function (i) { return i.decode().catch(function () {}); }))",
                "awaitPromise": True,
            },
            session=self.session,
        )

    def _events(self, method: str) -> list[dict[str, Any]]:
        return [
            e["params"]
            for e in self.browser.events
            if e.get("method") == method and e.get("sessionId") == self.session
        ]

    @property
    def requests(self) -> list[str]:
        return [p["request"]["url"] for p in self._events("Network.requestWillBeSent")]

    @property
    def failed_requests(self) -> list[str]:
        return [p.get("errorText", "") for p in self._events("Network.loadingFailed")]

    @property
    def errors(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, browser log errors."""
        found = []
        for params in self._events("Runtime.consoleAPICalled"):
            if params.get("type") in ("error", "warning", "assert"):
                texts = [str(a.get("value", a.get("description", ""))) for a in params["args"]]
                found.append(f"console.{params['type']}: {' '.join(texts)}")
        for params in self._events("Runtime.exceptionThrown"):
            details = params.get("exceptionDetails", {})
            found.append(
                f"exception: {details.get('text')} "
                f"{details.get('exception', {}).get('description', '')}"
            )
        for params in self._events("Log.entryAdded"):
            entry = params.get("entry", {})
            if entry.get("level") == "error":
                found.append(
                    f"log ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}"
                )
        return found

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})


def _external(urls: list[str]) -> list[str]:
    return [url for url in urls if not url.startswith(("file://", "data:"))]


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------


def _run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CTGSTATS), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=dict(os.environ),
        timeout=600,
    )


def _fake_territory(root: Path, slug: str, name: str, code: str, population: float) -> None:
    """A second (hand-made) territory next to the demo one, to sort the portal on."""
    folder = root / slug
    (folder / "tables").mkdir(parents=True)
    manifest = {
        "status": "success",
        "finished_at": "2026-01-01T00:00:00+00:00",
        "territory": {"level": "epci", "code": code, "name": name},
        "fictional_data": True,
        "outputs": [],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "tables" / "chiffres_cles.csv").write_text(
        "indicateur,niveau,code,annee,valeur,unite,source\n"
        f"population,epci,{code},2022,{population},habitants,Insee\n",
        encoding="utf-8",
    )
    (folder / "index.html").write_text(
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>x</title>'
        "</head><body><p>Rapport</p></body></html>",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo report of two notebooks, its single-file report and the portal."""
    out = tmp_path_factory.mktemp("browser") / "outputs"
    result = _run(
        "run", "params/demo.yaml", "--output-dir", out, "-n", NOTEBOOK, "-n", DASHBOARD, "-n", MAPS
    )
    assert result.returncode == 0, result.stderr
    folder = out / SLUG
    single_file_report(folder)
    _fake_territory(out, "epci-000000901", "Alpha fictif", "000000901", 120000.5)
    _fake_territory(out, "epci-000000902", "Zêta fictif", "000000902", 900.25)
    write_portal(out)
    return out


@pytest.fixture(scope="module")
def full_demo(tmp_path_factory):
    """The whole demo (every notebook, both survey waves): its ``rapport_complet.html``."""
    out = tmp_path_factory.mktemp("browser-full") / "outputs"
    result = _run("run", "params/demo.yaml", "--output-dir", out)
    assert result.returncode == 0, result.stderr
    return out / SLUG / "rapport_complet.html"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("chromium")
    instance = Browser(CHROMIUM, workdir)
    yield instance
    instance.close()


PAGES = {
    "index": (
        f"{SLUG}/index.html",
        ["CC du Haut-Val fictif", "Chiffres clés", "Données fictives"],
        0,
    ),
    "notebook": (
        f"{SLUG}/{NOTEBOOK}.html",
        ["Sommaire", "Évolution de la population", "Données fictives"],
        1,
    ),
    "rapport_complet": (
        f"{SLUG}/rapport_complet.html",
        ["Sommaire", "Démographie : population, âges, vieillissement", "Données fictives"],
        1,
    ),
    "maps": (
        f"{SLUG}/{MAPS}.html",
        ["Cartes : besoins et offre de services", "dans son département", "Données fictives"],
        2,
    ),
    "portal": (
        "index.html",
        [
            "Diagnostics de territoire",
            "CC du Haut-Val fictif",
            "réussi",
            "Population",
            "Carte des territoires",
        ],
        1,
    ),
}


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page_name", list(PAGES))
def test_page_renders_offline_without_errors(demo, browser, page_name):
    relative, texts, min_images = PAGES[page_name]
    path = demo / relative
    assert path.is_file()
    page = browser.open(path.resolve().as_uri())
    try:
        page.settle()
        state = page.evaluate(
            "({title: document.title, lang: document.documentElement.lang,"
            " text: document.body.innerText,"
            " images: Array.from(document.images).map(function (i) {"
            "   return {width: i.naturalWidth, complete: i.complete,"
            "           src: i.getAttribute('src').slice(0, 30)}; })})"
        )
        assert state["title"].strip()
        assert state["lang"] == "fr"
        for text in texts:
            assert text in state["text"], f"{text!r} not shown in {relative}"
        assert len(state["images"]) >= min_images
        undecoded = [i for i in state["images"] if not (i["complete"] and i["width"] > 0)]
        assert undecoded == [], f"images not decoded in {relative}: {undecoded}"
        assert page.requests, "no request seen: the listener is broken"
        assert page.requests[0].startswith("file://")
        assert _external(page.requests) == [], f"network requests from {relative}"
        assert page.failed_requests == []
        assert page.errors == [], f"console errors in {relative}"
    finally:
        page.close()


def test_portal_sorts_on_raw_numbers_when_clicked(demo, browser):
    page = browser.open((demo / "index.html").resolve().as_uri())
    try:
        slugs = (
            "Array.from(document.querySelectorAll('#ctg-portal-table tbody tr'))"
            ".map(function (r) { return r.getAttribute('data-slug'); })"
        )
        assert page.evaluate(slugs) == ["epci-000000901", SLUG, "epci-000000902"]  # by name
        assert page.evaluate("!document.getElementById('ctg-sort-help').hidden")
        click = "document.querySelector('th[data-indicator=\"population\"] button').click(); true"
        page.evaluate(click)
        assert page.evaluate(slugs) == ["epci-000000902", SLUG, "epci-000000901"]  # 900 < …
        assert (
            page.evaluate(
                "document.querySelector('th[data-indicator=\"population\"]')"
                ".getAttribute('aria-sort')"
            )
            == "ascending"
        )
        page.evaluate(click)
        assert page.evaluate(slugs) == ["epci-000000901", SLUG, "epci-000000902"]
        assert page.errors == []
    finally:
        page.close()


def test_portal_reads_the_same_without_javascript(demo, browser):
    page = browser.open((demo / "index.html").resolve().as_uri(), javascript=False)
    try:
        state = page.evaluate(
            "({rows: document.querySelectorAll('#ctg-portal-table tbody tr').length,"
            " buttons: document.querySelectorAll('button').length,"
            " text: document.body.innerText})"
        )
        assert state == {"rows": 3, "buttons": 0, "text": state["text"]}
        assert "Cliquer sur un en-tête" not in state["text"]  # the hint needs the script
        assert "Alpha fictif" in state["text"] and "120\u00a0001" in state["text"]
        assert _external(page.requests) == []
    finally:
        page.close()


def test_the_listener_sees_a_network_request(tmp_path, browser):
    """The harness itself: a page asking the network is caught (loopback, refused)."""
    html = tmp_path / "leak.html"
    html.write_text(
        '<!DOCTYPE html><html lang="fr"><head><title>fuite</title></head><body>'
        '<img src="http://127.0.0.1:9/absent.png" alt=""></body></html>',
        encoding="utf-8",
    )
    page = browser.open(html.resolve().as_uri())
    try:
        page.settle()
        assert _external(page.requests) == ["http://127.0.0.1:9/absent.png"]
        assert page.errors  # "Failed to load resource" is logged as an error
    finally:
        page.close()


def test_screenshot_of_the_single_file_report(demo, browser, tmp_path):
    """A screenshot can be taken (PNG) — what a person would see."""
    page = browser.open((demo / SLUG / "rapport_complet.html").resolve().as_uri())
    try:
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=page.session)
        data = base64.b64decode(shot["data"])
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
        keep = os.environ.get("CTGSTATS_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            (Path(keep) / "rapport_complet.png").write_bytes(data)
    finally:
        page.close()


_OVERFLOW = """(function (limit) {
  var wide = [];
  document.querySelectorAll('body *').forEach(function (e) {
    var box = e.getBoundingClientRect();
    if (!(box.width > 0 && box.right > limit + 0.5)) { return; }
    var inBox = e.tagName === 'IMG' ? null : e.parentElement;
    for (; inBox; inBox = inBox.parentElement) {
      var o = getComputedStyle(inBox).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') { return; }
    }
    wide.push(e.tagName.toLowerCase() + '.' + String(e.className).split(' ')[0] + ' '
      + Math.round(box.right) + ' px');
  });
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
          wide: wide.slice(0, 5)};
})"""


def test_every_page_fits_a_phone_screen(demo, browser):
    """390 px wide: nothing wider than the screen (wide tables scroll in their own box,
    charts shrink), whatever the page."""
    pages = [demo / "index.html", *sorted((demo / SLUG).glob("*.html"))]  # not the fakes
    assert len(pages) >= 5
    for path in pages:
        page = browser.open(path.resolve().as_uri(), device=PHONE)
        try:
            page.settle()
            state = page.evaluate(f"{_OVERFLOW}({PHONE['width']})")
            where = path.relative_to(demo)
            assert state["inner"] == PHONE["width"], f"{where} zoomed out: {state}"
            assert state["scroll"] <= PHONE["width"], f"{where} overflows: {state}"
            assert state["wide"] == [], f"{where}: wider than the screen: {state['wide']}"
        finally:
            page.close()


def test_dashboard_on_a_phone_keeps_labels_and_statuses_in_view(demo, browser):
    """The dashboard's tables scroll sideways in their box; the indicator (first column,
    sticky) and its status (second column) stay on screen."""
    page = browser.open((demo / SLUG / f"{DASHBOARD}.html").resolve().as_uri(), device=PHONE)
    try:
        page.settle()
        state = page.evaluate(
            """(function () {
              var block = document.querySelector('.ctg-table-block table.ctg-dashboard')
                .parentElement;
              var row = block.querySelector('tbody tr');
              var label = row.cells[0], status = row.querySelector('.ctg-status');
              var before = {label: label.getBoundingClientRect().left,
                            status: status.getBoundingClientRect().right,
                            last: row.cells[row.cells.length - 1].getBoundingClientRect().left};
              block.scrollLeft = 150;
              return {overflow: getComputedStyle(block).overflowX,
                      scrolled: block.scrollLeft, before: before,
                      label: label.getBoundingClientRect().left,
                      last: row.cells[row.cells.length - 1].getBoundingClientRect().left};
            })()"""
        )
        assert state["overflow"] == "auto"
        assert state["before"]["status"] <= PHONE["width"], state  # the status is in view
        assert state["scrolled"] > 0, f"the table fits without scrolling: {state}"
        assert state["last"] < state["before"]["last"]  # the other columns moved…
        assert abs(state["label"] - state["before"]["label"]) < 1  # …not the label
    finally:
        page.close()


def _poppler(*args: object) -> str:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=True, timeout=120
    ).stdout


@pytest.mark.skipif(
    not (PDFINFO and PDFTOTEXT and PDFIMAGES),
    reason="poppler-utils (pdfinfo, pdftotext, pdfimages) not installed: PDF not read",
)
def test_single_file_report_prints_on_numbered_a4_pages_none_empty(
    demo, browser, tmp_path, record_property
):
    page = browser.open((demo / SLUG / "rapport_complet.html").resolve().as_uri())
    try:
        page.settle()
        printed = browser.send(
            "Page.printToPDF",
            {"preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False},
            session=page.session,
        )
    finally:
        page.close()
    pdf = tmp_path / "rapport_complet.pdf"
    pdf.write_bytes(base64.b64decode(printed["data"]))
    info = _poppler(PDFINFO, pdf)
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    width, height = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups())
    print(f"rapport_complet.html ({NOTEBOOK}, {DASHBOARD}): {pages} A4 pages")
    record_property("printed_pages", pages)
    assert pages > 0
    assert abs(width - 210 / 25.4 * 72) < 2 and abs(height - 297 / 25.4 * 72) < 2  # A4
    empty, unnumbered = [], []
    for number in range(1, pages + 1):
        text = _poppler(PDFTOTEXT, "-f", number, "-l", number, pdf, "-")
        footer = re.compile(rf"Page\s+{number}\s*/\s*{pages}")
        if not footer.search(text):
            unnumbered.append(number)
        images = _poppler(PDFIMAGES, "-list", "-f", number, "-l", number, pdf).splitlines()[2:]
        if not footer.sub("", text).strip() and not images:
            empty.append(number)
    assert unnumbered == [], "pages without « Page n / N »"
    assert empty == [], "blank pages"


def test_printed_tables_and_charts_stay_within_the_a4_margins(demo, browser):
    """In print media, at the A4 text width (210 mm less 2 × 12 mm: 703 CSS px), no table
    or chart reaches past the right margin (wide tables shrink instead)."""
    text_width = round((210 - 2 * 12) / 25.4 * 96)
    device = {"width": text_width, "height": 1000, "deviceScaleFactor": 1, "mobile": False}
    for relative in (f"{SLUG}/rapport_complet.html", f"{SLUG}/{DASHBOARD}.html"):
        page = browser.open("about:blank", device=device)
        try:
            browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=page.session)
            browser.events = [e for e in browser.events if e.get("sessionId") != page.session]
            url = (demo / relative).resolve().as_uri()
            browser.send("Page.navigate", {"url": url}, session=page.session)
            browser.wait_for("Page.loadEventFired", session=page.session)
            page.settle()
            cut = page.evaluate(
                "(function () {"
                " var right = document.querySelector('main').getBoundingClientRect().right;"
                " return Array.from(document.querySelectorAll('table, img'))"
                "  .map(function (e) { return [e.tagName, e.getBoundingClientRect().right]; })"
                "  .filter(function (x) { return x[1] > right + 0.5; }); })()"
            )
            assert cut == [], f"{relative}: cut at the right margin in print: {cut[:5]}"
            assert page.evaluate("document.documentElement.scrollWidth") <= text_width
        finally:
            page.close()


def _print_pdf(browser, html: Path, pdf: Path) -> int:
    """Print ``html`` to ``pdf`` (CSS page size, no browser header/footer); its page count."""
    page = browser.open(html.resolve().as_uri())
    try:
        page.settle()
        printed = browser.send(
            "Page.printToPDF",
            {"preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False},
            session=page.session,
        )
    finally:
        page.close()
    pdf.write_bytes(base64.b64decode(printed["data"]))
    return int(re.search(r"^Pages:\s+(\d+)", _poppler(PDFINFO, pdf), re.M).group(1))


@pytest.mark.skipif(
    not (PDFINFO and PDFTOTEXT and PDFIMAGES),
    reason="poppler-utils (pdfinfo, pdftotext, pdfimages) not installed: PDF not read",
)
def test_full_demo_report_prints_within_the_page_budget(
    full_demo, browser, tmp_path, record_property
):
    """The whole demo prints: synthesis on page 1, the printed contents on page 2 (every
    chapter numbered, then the annexes), the main body within ``PRINT_BUDGET_PAGES`` and
    the annexes within ``ANNEX_BUDGET_PAGES``; every page numbered and none blank."""
    pdf = tmp_path / "rapport_complet.pdf"
    pages = _print_pdf(browser, full_demo, pdf)
    texts = [_poppler(PDFTOTEXT, "-f", n, "-l", n, pdf, "-") for n in range(1, pages + 1)]
    assert "Synthèse" in texts[0]
    contents = " ".join(texts[1].split())
    # the chapters of the run, in reading order, as the plan titles them
    from ctgstats.core.params import load_params
    from ctgstats.pipeline.plan import plan_run

    plan = plan_run(load_params(REPO / "params" / "demo.yaml"), output_dir=tmp_path / "plan")
    chapters = [task.title for task in plan.tasks]
    assert contents.startswith(f"Sommaire 1. {chapters[0]}"[:22]), contents[:200]
    for number, chapter in enumerate(chapters, start=1):
        assert f"{number}. {chapter}" in contents, chapter
    # annexes lettered A, B, C … in reading order, one per chapter that has detail
    annexed = re.findall(r"Annexe ([A-Z]) — (.+?)(?= Annexe [A-Z] — | Les numéros)", contents)
    assert [letter for letter, _ in annexed] == list(string.ascii_uppercase[: len(annexed)])
    titles = [title for _, title in annexed]
    assert titles and titles == [c for c in chapters if c in titles], titles
    # The annexes begin on the page whose first line is "Annexes".
    starts = [n for n, text in enumerate(texts, start=1) if text.lstrip().startswith("Annexes")]
    assert starts, "no Annexes part"
    body, annexes = starts[0] - 1, pages - starts[0] + 1
    print(f"rapport_complet.html (full demo): {body} + {annexes} A4 pages")
    record_property("printed_pages_body", body)
    record_property("printed_pages_annexes", annexes)
    assert body <= PRINT_BUDGET_PAGES
    assert annexes <= ANNEX_BUDGET_PAGES
    for number, text in enumerate(texts, start=1):
        footer = re.compile(rf"Page\s+{number}\s*/\s*{pages}")
        assert footer.search(text), f"page {number} not numbered"
        images = _poppler(PDFIMAGES, "-list", "-f", number, "-l", number, pdf).splitlines()[2:]
        assert footer.sub("", text).strip() or images, f"page {number} is blank"


def test_full_demo_report_stays_within_the_a4_margins_in_print(full_demo, browser):
    """At the A4 text width in print media, no element of the whole demo's report reaches
    past the right margin, and the printed contents are shown (the screen one hidden)."""
    text_width = round((210 - 2 * 12) / 25.4 * 96)
    device = {"width": text_width, "height": 1000, "deviceScaleFactor": 1, "mobile": False}
    page = browser.open("about:blank", device=device)
    try:
        browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=page.session)
        browser.events = [e for e in browser.events if e.get("sessionId") != page.session]
        browser.send("Page.navigate", {"url": full_demo.resolve().as_uri()}, session=page.session)
        browser.wait_for("Page.loadEventFired", session=page.session)
        page.settle()
        cut = page.evaluate(
            "(function () {"
            " var right = document.querySelector('main').getBoundingClientRect().right;"
            " return Array.from(document.querySelectorAll('main *'))"
            "  .filter(function (e) { return e.getClientRects().length > 0; })"
            "  .map(function (e) { return [e.tagName, e.className,"
            "   e.getBoundingClientRect().right]; })"
            "  .filter(function (x) { return x[2] > right + 0.5; }); })()"
        )
        assert cut == [], f"cut at the right margin in print: {cut[:5]}"
        assert page.evaluate("document.documentElement.scrollWidth") <= text_width
        shown = page.evaluate(
            "[getComputedStyle(document.querySelector('.ctg-print-toc')).display,"
            " getComputedStyle(document.querySelector('nav.ctg-toc')).display]"
        )
        assert shown == ["block", "none"]
    finally:
        page.close()


def test_chromium_is_not_left_running(tmp_path):
    instance = Browser(CHROMIUM, tmp_path)
    instance.close()
    assert instance.process.poll() is not None
