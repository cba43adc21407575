"""The portal of several territories, and the single-file report of one territory.

* :func:`write_portal` writes ``<output-dir>/index.html``: one row per territory found in
  the output folder (``<slug>/manifest.json``, and ``<slug>.echec/manifest.json`` for a
  failed run), with its status, links to its report and a few key figures side by side,
  read from each ``tables/chiffres_cles.csv``. The table can be sorted by clicking its
  headers (a small inline script; without JavaScript the table simply stays in its
  order).
* :func:`single_file_report` gathers the notebook pages of one territory
  (``01_demographie.html``, ``02_…`` …) into one self-contained ``rapport_complet.html``
  that can be forwarded by email or printed: one table of contents, one banner, one
  stylesheet, a page break before each part. Its size is capped by ``max_bytes``
  (15 Mo by default): over budget, :class:`ReportTooLargeError` is raised and nothing
  is written.

Both pages are French, self-contained (inline CSS, images already in base64), open
offline (:func:`ctgstats.publish.export.check_offline` is empty) and are written atomically.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bs4 import BeautifulSoup, Tag

from ctgstats import __version__
from ctgstats.core.errors import InputError, RunError
from ctgstats.core.files import write_text_atomic
from ctgstats.core.notebooks import NOTEBOOKS, notebook_names, notebook_of_page
from ctgstats.present.display import (
    FICTIONAL_TEXT,
    fictional_banner_html,
    format_value,
    year_key,
)
from ctgstats.present.formatting import NOT_AVAILABLE, fr_date
from ctgstats.present.glossary import GLOSSARY_ID, jargon_glossary_html
from ctgstats.present.labels import indicator_label
from ctgstats.publish.export import (
    NotSelfContainedError,
    anchor_slug,
    check_offline,
    html_page,
    report_css,
    table_of_contents,
)
from ctgstats.publish.portal_map import portal_map_section

__all__ = [
    "PORTAL_INDICATORS",
    "SINGLE_FILE_NAME",
    "DEFAULT_MAX_BYTES",
    "ReportTooLargeError",
    "PortalEntry",
    "collect_entries",
    "read_key_figures",
    "render_portal",
    "write_portal",
    "single_file_report",
]

log = logging.getLogger(__name__)

#: Name of the single-file report written in each territory folder.
SINGLE_FILE_NAME = "rapport_complet.html"

#: Size budget of the single-file report (bytes of UTF-8): 15 Mo, what most mail
#: servers still accept once encoded (base64 adds a third).
DEFAULT_MAX_BYTES = 15_000_000

#: Short column headers of the portal's key figures (their full label, from the registry,
#: is the header's tooltip); an indicator not listed here is headed by its registry label.
_SHORT_LABELS: dict[str, str] = {
    "population": "Population",
    "population_tcam": "Évolution annuelle moyenne",
    "revenu_median_uc": "Revenu médian par UC",
}

#: Key figures of the portal, in column order: (indicator id, short column label).
#: Population: last census vintage; TCAM: the main period (latest end year, longest
#: period ending then, see :func:`ctgstats.present.display.year_key`); the others: latest year.
PORTAL_INDICATORS: tuple[tuple[str, str], ...] = tuple(
    (indicator, _SHORT_LABELS.get(indicator) or indicator_label(indicator))
    for indicator in (
        "population",
        "population_tcam",
        "part_60_plus",
        "indice_vieillissement",
        "part_familles_monoparentales",
        "revenu_median_uc",
    )
) + tuple(figure for spec in NOTEBOOKS for figure in spec.portal_figures)

_FICTIONAL_TITLE_PREFIX = "Données fictives — "
_MIXED_FICTIONAL_TEXT = (
    "Attention : certains territoires de ce portail sont des territoires "
    "de démonstration (lignes marquées « données fictives ») : leurs "
    "chiffres ne décrivent aucun territoire réel."
)
_LEVEL_LABELS = {
    "commune": "Commune",
    "epci": "EPCI",
    "departement": "Département",
    "region": "Région",
    "france": "France",
    "groupe": "Groupe de communes",
}
_FAILED_SUFFIX = ".echec"
_SHORT_ERROR = 240  # characters of an error message shown in the table


class OutputFolderError(InputError, FileNotFoundError):
    """The output folder of a portal does not exist."""


class ReportTooLargeError(RunError, ValueError):
    """The single-file report would exceed its size budget (nothing is written)."""

    def __init__(self, path: Path, size: int, max_bytes: int) -> None:
        self.path = path
        self.size = size
        self.max_bytes = max_bytes
        super().__init__(
            f"{path.name} pèserait {_megabytes(size)} Mo, au-delà de son budget de "
            f"{_megabytes(max_bytes)} Mo (max_bytes={max_bytes}) : rien n'est écrit. "
            "Augmentez max_bytes, ou laissez de côté des carnets (chaque rapport HTML du "
            "dossier reste disponible seul)."
        )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",")


# --------------------------------------------------------------------------------------
# Portal: reading the output folder
# --------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One key figure of a territory (raw value at full precision)."""

    indicator: str
    annee: str
    valeur: float | None
    unite: str
    source: str

    @property
    def text(self) -> str:
        return format_value(self.valeur, self.unite, indicateur=self.indicator)


@dataclass
class PortalEntry:
    """One territory of the portal (one output slug)."""

    slug: str
    status: str  # "success" or "failed": the status of the latest run
    name: str
    level: str
    code: str
    fictional: bool = False
    error: str | None = None
    finished_at: str = ""
    report_dir: str | None = None  # folder holding a successful report (relative)
    failed_dir: str | None = None  # folder kept by a failed run (relative)
    has_single_file: bool = False
    previous_success: bool = False  # the report shown is older than the failed run
    figures: dict[str, Figure] = field(default_factory=dict)
    departement: str = ""  # code of the territory's département ("" when unknown)
    departement_name: str = ""

    @property
    def failed(self) -> bool:
        return self.status != "success"


def _read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        log.warning("%s unreadable: %s", path, error)
        return None
    return data if isinstance(data, dict) else None


def _float(text: str | None) -> float | None:
    if text is None or not str(text).strip():
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def read_key_figures(
    table: Path,
    *,
    level: str,
    code: str,
    indicators: Sequence[str] = tuple(i for i, _ in PORTAL_INDICATORS),  # type: ignore[name-defined]  # mypy#9346: comprehension in a default
) -> dict[str, Figure]:
    """The territory's own key figures in ``tables/chiffres_cles.csv``.

    Only the rows whose ``niveau``/``code`` are the territory's (not its comparators);
    for each indicator the latest year, and for periods the longest one ending then
    (:func:`ctgstats.present.display.year_key`). A row with no value is kept (shown "n.d."); a
    missing file or indicator gives no entry.
    """
    found: dict[str, Figure] = {}
    if not table.is_file() or not code:
        return found
    wanted = set(indicators)
    try:
        with open(table, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                indicator = row.get("indicateur", "")
                if (
                    indicator not in wanted
                    or row.get("niveau", "") != level
                    or row.get("code", "") != code
                ):
                    continue
                figure = Figure(
                    indicator=indicator,
                    annee=str(row.get("annee", "")),
                    valeur=_float(row.get("valeur")),
                    unite=row.get("unite", "") or "",
                    source=row.get("source", "") or "",
                )
                current = found.get(indicator)
                if current is None or year_key(figure.annee) >= year_key(current.annee):
                    found[indicator] = figure
    except (OSError, csv.Error, UnicodeDecodeError) as error:
        log.warning("%s unreadable: %s", table, error)
        return {}
    return found


def _error_text(manifest: Mapping[str, Any]) -> str:
    error = manifest.get("error") or {}
    if not isinstance(error, Mapping):
        return str(error)
    message = str(error.get("message") or error.get("type") or "erreur inconnue")
    notebook = error.get("notebook")
    if notebook and str(notebook) not in message:  # the runner's messages name it already
        cell = f", cellule {error['cell']}" if error.get("cell") is not None else ""
        message = f"{message} (notebook {notebook}{cell})"
    return message.strip()


def _entry(slug: str, manifest: Mapping[str, Any], folder: Path, root: Path) -> PortalEntry:
    territory = manifest.get("territory") or {}
    level = str(territory.get("level") or "")
    code = str(territory.get("code") or "")
    status = "success" if manifest.get("status") == "success" else "failed"
    entry = PortalEntry(
        slug=slug,
        status=status,
        name=str(territory.get("name") or slug),
        level=level,
        code=code,
        fictional=bool(manifest.get("fictional_data")),
        finished_at=str(manifest.get("finished_at") or ""),
    )
    departement = territory.get("departement")
    if isinstance(departement, Mapping):
        entry.departement = str(departement.get("code") or "")
        entry.departement_name = str(departement.get("name") or "")
    relative = folder.relative_to(root).as_posix()
    if status == "success":
        entry.report_dir = relative
        entry.has_single_file = (folder / SINGLE_FILE_NAME).is_file()
    else:
        entry.failed_dir = relative
        entry.error = _error_text(manifest)
    entry.figures = read_key_figures(
        folder / "tables" / "chiffres_cles.csv", level=level, code=code
    )
    return entry


def _when(manifest: Mapping[str, Any]) -> float:
    """Time a run finished (seconds since the epoch); 0 when unknown."""
    try:
        return datetime.fromisoformat(str(manifest.get("finished_at"))).timestamp()
    except (TypeError, ValueError):
        return 0.0


def collect_entries(output_dir: Path) -> list[PortalEntry]:
    """One entry per territory of ``output_dir``, sorted by name.

    ``<slug>/manifest.json`` is a successful report, ``<slug>.echec/manifest.json`` a
    failed run (the runner keeps the previous good report in ``<slug>/`` then). When both
    exist, the entry takes the status of the latest run and still links the previous
    report. Failures recorded by ``ctgstats batch`` in ``batch-manifest.json`` are added
    (a territory whose data were refused leaves no folder). Hidden folders (runs in
    progress) are ignored.
    """
    root = Path(output_dir)
    found: dict[str, dict[str, tuple[Path, dict[str, Any]]]] = {}
    for path in sorted(root.glob("*/manifest.json")):
        folder = path.parent
        if folder.name.startswith("."):
            continue
        manifest = _read_manifest(path)
        failed = folder.name.endswith(_FAILED_SUFFIX)
        slug = folder.name[: -len(_FAILED_SUFFIX)] if failed else folder.name
        if manifest is None:
            manifest = {"status": "failed", "error": {"message": "manifest.json illisible"}}
        if manifest.get("status") != "success":
            failed = True  # includes a report folder whose manifest says it failed
        found.setdefault(slug, {})["failed" if failed else "success"] = (folder, manifest)
    entries = []
    for slug, runs in found.items():
        success, failure = runs.get("success"), runs.get("failed")
        if success and failure:
            newer_failure = _when(failure[1]) >= _when(success[1])
            if newer_failure:
                entry = _entry(slug, failure[1], failure[0], root)
                good = _entry(slug, success[1], success[0], root)
                entry.report_dir, entry.has_single_file = good.report_dir, good.has_single_file
                entry.previous_success = True
                if good.figures:
                    entry.figures = good.figures
                if not entry.code:
                    entry.name, entry.level, entry.code = good.name, good.level, good.code
                if not entry.departement:
                    entry.departement = good.departement
                    entry.departement_name = good.departement_name
                entry.fictional = entry.fictional or good.fictional
            else:
                entry = _entry(slug, success[1], success[0], root)
        else:
            folder, manifest = success or failure  # type: ignore[misc]
            entry = _entry(slug, manifest, folder, root)
        entries.append(entry)
    entries.extend(_batch_failures(root, {e.slug: e for e in entries}))
    return sorted(entries, key=lambda e: (e.name.casefold(), e.slug))


_BATCH_FAILED = {"échec", "interrompu"}
_DEFAULT_SLUG = re.compile(r"^(commune|epci|departement|region|france|groupe)-(.+)$")


def _batch_failures(root: Path, known: Mapping[str, PortalEntry]) -> list[PortalEntry]:
    """Failures that ``ctgstats batch`` recorded in ``batch-manifest.json``.

    A territory that failed before any notebook ran (bad data) leaves no folder: it is
    added from the batch manifest. A territory whose report is older than a failed batch
    is shown failed, its previous report still linked.
    """
    path = root / "batch-manifest.json"
    batch = _read_manifest(path) if path.is_file() else None
    if not batch or not isinstance(batch.get("items"), list):
        return []
    finished = _when(batch)
    added = []
    for item in batch["items"]:
        if not isinstance(item, Mapping) or item.get("statut") not in _BATCH_FAILED:
            continue
        slug = str(item.get("territoire") or "")
        if not slug:
            continue
        message = str(item.get("message") or f"lot {item.get('statut')}")
        message = _error_text(
            {
                "error": {
                    "message": message,
                    "notebook": item.get("notebook_en_echec"),
                    "cell": item.get("cellule"),
                }
            }
        )
        entry = known.get(slug)
        if entry is None:
            match = _DEFAULT_SLUG.match(slug)
            added.append(
                PortalEntry(
                    slug=slug,
                    status="failed",
                    name=str(item.get("nom") or slug),
                    level=match.group(1) if match else "",
                    code=match.group(2) if match else "",
                    error=message,
                    finished_at=str(batch.get("finished_at") or ""),
                )
            )
        elif not entry.failed and finished > _when({"finished_at": entry.finished_at}):
            entry.status, entry.error, entry.previous_success = "failed", message, True
            entry.finished_at = str(batch.get("finished_at") or "")
    return added


# --------------------------------------------------------------------------------------
# Portal: HTML
# --------------------------------------------------------------------------------------

_PORTAL_CSS = """
/* Portal of several territories: a wide table. */
body.ctg-portal main { max-width: 100rem; }
table.ctg-portal-table { font-size: 0.88rem; }
table.ctg-portal-table thead th { vertical-align: bottom; }
table.ctg-portal-table td.ctg-status-ok { color: #1d6b35; font-weight: bold; }
table.ctg-portal-table td.ctg-status-failed { color: #8a1c1c; font-weight: bold; }
table.ctg-portal-table td.ctg-status-failed { min-width: 11rem; }
table.ctg-portal-table .ctg-error,
table.ctg-portal-table .ctg-error-note,
table.ctg-portal-table details {
  font-weight: normal; color: var(--ctg-text); font-size: 0.82rem; margin: 0.2rem 0;
  overflow-wrap: anywhere;
}
table.ctg-portal-table .ctg-error-note { color: var(--ctg-muted); }
table.ctg-portal-table details pre { white-space: pre-wrap; max-width: 28rem; }
table.ctg-portal-table td ul { white-space: nowrap; }
table.ctg-portal-table .ctg-portal-year {
  display: block; font-size: 0.78rem; color: var(--ctg-muted);
}
table.ctg-portal-table .ctg-badge-fictional {
  display: inline-block; font-size: 0.75rem; background: #8a1c1c; color: #ffffff;
  padding: 0 0.35em; border-radius: 3px; margin-left: 0.3em; white-space: nowrap;
}
table.ctg-portal-table ul { margin: 0; padding-left: 1rem; }
button.ctg-sort-button {
  font: inherit; font-weight: bold; color: inherit; background: none; border: 0;
  padding: 0; margin: 0; cursor: pointer; text-align: left;
}
button.ctg-sort-button::after { content: " \\2195"; color: var(--ctg-muted); }
th[aria-sort="ascending"] button.ctg-sort-button::after { content: " \\25B2"; color: inherit; }
th[aria-sort="descending"] button.ctg-sort-button::after { content: " \\25BC"; color: inherit; }
.ctg-portal-help, .ctg-portal-note { font-size: 0.85rem; color: var(--ctg-muted); }
@media print {
  button.ctg-sort-button::after { content: ""; }
  .ctg-portal-help { display: none; }
}
"""

#: Inline sorting script: no external file, no URL. Cells carry the raw value to sort on
#: in ``data-sort`` (numbers at full precision; empty = missing, always last); header
#: cells say ``data-sort-type="number"`` or ``"text"``. Without JavaScript the headers
#: stay plain text and the table keeps its order.
_SORT_SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("ctg-portal-table");
  if (!table || !table.tHead || !table.tBodies.length) { return; }
  var help = document.getElementById("ctg-sort-help");
  if (help) { help.hidden = false; }
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(row, index, type) {
    var cell = row.cells[index];
    var raw = cell ? cell.getAttribute("data-sort") : null;
    if (raw === null || raw === "") { return null; }
    if (type === "number") {
      var number = parseFloat(raw);
      return isNaN(number) ? null : number;
    }
    return raw;
  }
  function sortBy(th, index, type) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (other) {
      if (other.hasAttribute("aria-sort")) { other.setAttribute("aria-sort", "none"); }
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var items = Array.prototype.slice.call(body.rows).map(function (row, position) {
      return { row: row, key: key(row, index, type), position: position };
    });
    items.sort(function (a, b) {
      if (a.key === null || b.key === null) {
        if (a.key === b.key) { return a.position - b.position; }
        return a.key === null ? 1 : -1;
      }
      var order = type === "number" ? a.key - b.key
        : a.key.localeCompare(b.key, "fr", { sensitivity: "base", numeric: true });
      if (!ascending) { order = -order; }
      return order || a.position - b.position;
    });
    items.forEach(function (item) { body.appendChild(item.row); });
  }
  headers.forEach(function (th, index) {
    var type = th.getAttribute("data-sort-type");
    if (!type) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ctg-sort-button";
    button.title = "Trier selon cette colonne";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    th.setAttribute("aria-sort", "none");
    button.addEventListener("click", function () { sortBy(th, index, type); });
  });
}());
"""


def _href(*parts: str) -> str:
    """Relative link (each part percent-encoded), escaped for an attribute."""
    return escape("/".join(quote(part, safe="") for part in parts), quote=True)


def _raw(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _level_label(level: str) -> str:
    if not level:
        return "—"
    return _LEVEL_LABELS.get(level, level[:1].upper() + level[1:])


def _common_year(entries: Sequence[PortalEntry], indicator: str) -> str | None:
    years = {e.figures[indicator].annee for e in entries if indicator in e.figures}
    return years.pop() if len(years) == 1 else None


def _figure_cell(entry: PortalEntry, indicator: str, common_year: str | None) -> str:
    figure = entry.figures.get(indicator)
    if figure is None or figure.valeur is None:
        year = (
            ""
            if figure is None or common_year is not None
            else f'<span class="ctg-portal-year">{escape(figure.annee)}</span>'
        )
        return f'<td class="num ctg-nd" data-sort="">{NOT_AVAILABLE}{year}</td>'
    year = (
        ""
        if common_year is not None
        else f'<span class="ctg-portal-year">{escape(figure.annee)}</span>'
    )
    return f'<td class="num" data-sort="{_raw(figure.valeur)}">{escape(figure.text)}{year}</td>'


def _status_cell(entry: PortalEntry) -> str:
    if not entry.failed:
        return '<td class="ctg-status-ok" data-sort="réussi">réussi</td>'
    message = entry.error or "erreur inconnue"
    if len(message) <= _SHORT_ERROR:
        shown = f'<p class="ctg-error">{escape(message)}</p>'
    else:
        short = message[: _SHORT_ERROR - 1].rstrip() + "…"
        shown = (
            f'<p class="ctg-error">{escape(short)}</p><details><summary>Message '
            f"complet</summary><pre>{escape(message)}</pre></details>"
        )
    notes = []
    if entry.failed_dir:
        notes.append(f"Dossier conservé : <code>{escape(entry.failed_dir)}/</code>.")
    if entry.previous_success:
        notes.append("Le rapport précédent, réussi, reste consultable.")
    notes_html = f'<p class="ctg-error-note">{" ".join(notes)}</p>' if notes else ""
    return f'<td class="ctg-status-failed" data-sort="échec">échec{shown}{notes_html}</td>'


def _links_cell(entry: PortalEntry) -> str:
    if not entry.report_dir:
        return '<td class="ctg-nd">aucun rapport</td>'
    label = "Rapport précédent" if entry.previous_success else "Accueil du rapport"
    items = [f'<li><a href="{_href(entry.report_dir, "index.html")}">{label}</a></li>']
    if entry.has_single_file:
        items.append(
            f'<li><a href="{_href(entry.report_dir, SINGLE_FILE_NAME)}" '
            'title="Tout le rapport en un seul fichier, à imprimer ou à envoyer">'
            "Rapport complet</a></li>"
        )
    return f"<td><ul>{''.join(items)}</ul></td>"


#: Beyond this many territories, the portal also lists them grouped by département.
PORTAL_GROUP_AFTER = 12


def _departement_groups(entries: Sequence[PortalEntry]) -> str:
    """Territories grouped by département, each group folded (``<details>``), or "".

    Shown above the table when the portal lists more than :data:`PORTAL_GROUP_AFTER`
    territories (a batch of a whole département or region): the table stays whole and
    sortable, and a reader finds a territory by its département.
    """
    if len(entries) <= PORTAL_GROUP_AFTER:
        return ""
    groups: dict[tuple[str, str], list[PortalEntry]] = {}
    for entry in entries:
        groups.setdefault((entry.departement, entry.departement_name), []).append(entry)
    blocks = []
    for (code, name), members in sorted(groups.items(), key=lambda item: item[0][0] or "~"):
        heading = (
            f"{name} ({code})" if code and name and name != code else code or "Autres territoires"
        )
        count = f"{len(members)} territoire{'s' if len(members) > 1 else ''}"
        failed = sum(1 for e in members if e.failed)
        if failed:
            count += f", dont {failed} en échec"
        links = "".join(
            f'<li><a href="{_href(e.report_dir, "index.html")}">{escape(e.name)}</a>'
            + (" (échec)" if e.failed else "")
            + "</li>"
            if e.report_dir
            else f"<li>{escape(e.name)} (échec, aucun rapport)</li>"
            for e in members
        )
        blocks.append(
            f'<details class="ctg-portal-group"><summary>{escape(heading)} — {escape(count)}'
            f'</summary><ul class="ctg-links">{links}</ul></details>'
        )
    return (
        '<section><h2 id="par-departement">Territoires par département</h2>'
        f"{''.join(blocks)}</section>"
    )


def _row(entry: PortalEntry, years: Mapping[str, str | None], *, mark_fictional: bool) -> str:
    badge = (
        '<span class="ctg-badge-fictional">données fictives</span>'
        if entry.fictional and mark_fictional
        else ""
    )
    level = (
        _level_label(entry.level)
        if entry.code
        else "Enquête"
        if entry.slug.startswith("enquete-")
        else "—"
    )
    cells = [
        f'<th scope="row" data-sort="{escape(entry.name, quote=True)}">'
        f"{escape(entry.name)}{badge}</th>",
        f'<td data-sort="{escape(level, quote=True)}">{escape(level)}</td>',
        f'<td data-sort="{escape(entry.code, quote=True)}">{escape(entry.code or "—")}</td>',
        _status_cell(entry),
    ]
    cells += [
        _figure_cell(entry, indicator, years[indicator]) for indicator, _ in PORTAL_INDICATORS
    ]
    cells.append(_links_cell(entry))
    status = "echec" if entry.failed else "reussi"
    return (
        f'<tr class="ctg-portal-row" data-slug="{escape(entry.slug, quote=True)}" '
        f'data-status="{status}">{"".join(cells)}</tr>'
    )


def _sources(entries: Sequence[PortalEntry]) -> list[str]:
    sources = [
        f.source.strip()
        for e in entries
        for f in e.figures.values()
        if f.valeur is not None and f.source.strip()
    ]
    return list(dict.fromkeys(sources))


def render_portal(
    entries: Sequence[PortalEntry],
    *,
    title: str = "Diagnostics de territoire",
    generated_at: str | None = None,
    map_section: str = "",
) -> str:
    """The portal page (see :func:`write_portal`), as a string.

    ``map_section`` is the map of the territories
    (:func:`ctgstats.publish.portal_map.portal_map_section`), shown after the table.

    Raises
    ------
    NotSelfContainedError
        If the page would request an external resource (it never should).
    """
    generated_at = generated_at or fr_date(datetime.now())
    fictional = [e for e in entries if e.fictional]
    all_fictional = bool(entries) and len(fictional) == len(entries)
    sections = []
    if all_fictional:
        sections.append(fictional_banner_html())
    elif fictional:
        sections.append(
            fictional_banner_html().replace(escape(FICTIONAL_TEXT), escape(_MIXED_FICTIONAL_TEXT))
        )
    failed = sum(1 for e in entries if e.failed)
    count = (
        f"{len(entries)} territoire{'s' if len(entries) > 1 else ''} · "
        f"{len(entries) - failed} réussi{'s' if len(entries) - failed > 1 else ''} · "
        f"{failed} en échec"
    )
    sections.append(
        f'<header><h1>{escape(title)}</h1><p class="ctg-subtitle">{escape(count)}</p></header>'
    )
    if entries:
        years = {indicator: _common_year(entries, indicator) for indicator, _ in PORTAL_INDICATORS}
        heads = [
            '<th scope="col" data-sort-type="text">Territoire</th>',
            '<th scope="col" data-sort-type="text">Niveau</th>',
            '<th scope="col" data-sort-type="text">Code</th>',
            '<th scope="col" data-sort-type="text">Statut</th>',
        ]
        for indicator, label in PORTAL_INDICATORS:
            year = f" ({years[indicator]})" if years[indicator] else ""
            heads.append(
                f'<th scope="col" data-sort-type="number" '
                f'data-indicator="{indicator}" '
                f'title="{escape(indicator_label(indicator), quote=True)}">'
                f"{escape(label + year)}</th>"
            )
        heads.append('<th scope="col">Rapports</th>')
        rows = "".join(_row(entry, years, mark_fictional=not all_fictional) for entry in entries)
        sources = _sources(entries)
        caption = (
            "Chiffres du territoire lui-même (pas de ses territoires de comparaison) : "
            "population au dernier recensement, évolution annuelle moyenne sur la "
            "période principale, autres indicateurs à la dernière année disponible. "
            "n.d. : non disponible."
        )
        if sources:
            caption += (
                (" Sources : " if len(sources) > 1 else " Source : ") + " ; ".join(sources) + "."
            )
        groups = _departement_groups(entries)
        if groups:
            sections.append(groups)
        sections.append(
            '<section><h2 id="territoires">Territoires</h2>'
            '<p id="ctg-sort-help" class="ctg-portal-help" hidden>Cliquer sur un en-tête de '
            "colonne pour trier le tableau (un second clic inverse l'ordre).</p>"
            '<div class="ctg-table-block"><table id="ctg-portal-table" '
            'class="ctg-table ctg-portal-table" aria-describedby="ctg-portal-note">'
            f"<thead><tr>{''.join(heads)}</tr></thead><tbody>{rows}</tbody></table></div>"
            f'<p id="ctg-portal-note" class="ctg-portal-note">{escape(caption)}</p>'
            "</section>"
        )
    else:
        sections.append(
            '<section><h2 id="territoires">Territoires</h2>'
            "<p>Aucun diagnostic trouvé dans ce dossier.</p></section>"
        )
    if map_section and entries:
        sections.append(map_section)
    sections.append(
        f'<footer class="ctg-footer"><p>Portail généré le {escape(generated_at)} '
        f"avec ctgstats {escape(__version__)}.</p>"
        + (f"<p>{escape(FICTIONAL_TEXT)}</p>" if all_fictional else "")
        + "</footer>"
    )
    return html_page(
        title=title,
        sections=sections,
        fictional=all_fictional,
        version=__version__,
        body_class="ctg-portal",
        where="index.html (portail)",
        extra_css=_PORTAL_CSS,
        script=_SORT_SCRIPT if entries else "",
    )


class NotAPortalError(InputError, FileExistsError):
    """``index.html`` of the output folder is not a page ctgstats wrote."""


def is_ctgstats_page(path: Path) -> bool:
    """Tell whether the HTML page at ``path`` was written by ctgstats (its generator tag)."""
    try:
        with Path(path).open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False
    return b'<meta name="generator" content="ctgstats' in head


def check_portal_replaceable(output_dir: Path) -> None:
    """Refuse to replace an ``index.html`` of ``output_dir`` that ctgstats did not write.

    Raises
    ------
    NotAPortalError
        Naming the file.
    """
    index = Path(output_dir) / "index.html"
    if index.exists() and not is_ctgstats_page(index):
        raise NotAPortalError(
            f"{index} existe et n'est pas un portail écrit par ctgstats : il n'est pas "
            "remplacé. Déplacez ce fichier ou choisissez un autre dossier de sortie "
            "(--output-dir)."
        )


def write_portal(output_dir: Path, *, title: str = "Diagnostics de territoire") -> Path:
    """Write ``output_dir/index.html``: every territory of the folder, side by side.

    Scans ``output_dir/*/manifest.json`` (successful reports) and
    ``output_dir/*.echec/manifest.json`` (failed runs). For each territory: its name,
    level and code, its status (réussi, or échec with the error message), links to its
    ``index.html`` and to its single-file report when there is one, and the key figures
    of :data:`PORTAL_INDICATORS` for the territory itself, read from
    ``tables/chiffres_cles.csv`` (French formats, "n.d." when missing). Clicking a header
    sorts the table on the raw values (inline script; the page reads the same without
    JavaScript). The page is self-contained, opens offline, and is written atomically.

    Returns
    -------
    pathlib.Path
        ``output_dir/index.html``.

    Raises
    ------
    OutputFolderError
        If ``output_dir`` is not a folder.
    NotAPortalError
        If ``output_dir/index.html`` exists and was not written by ctgstats: it is left as
        it is (ctgstats replaces only what it wrote).
    """
    root = Path(output_dir)
    if not root.is_dir():
        raise OutputFolderError(f"dossier de sortie {root} introuvable")
    check_portal_replaceable(root)
    entries = collect_entries(root)
    page = render_portal(entries, title=title, map_section=portal_map_section(root, entries))
    return write_text_atomic(root / "index.html", page)


# --------------------------------------------------------------------------------------
# Single-file report
# --------------------------------------------------------------------------------------

_SINGLE_FILE_CSS = """
/* Single-file report: several parts in one page. */
.ctg-complete-title {
  font-size: 2rem; font-weight: bold; color: var(--ctg-ink); margin: 1rem 0 0.4rem;
}
section.ctg-part { margin-top: 2.5rem; }
nav.ctg-toc li.ctg-toc-1 { font-weight: bold; margin-top: 0.5rem; }
section.ctg-part + section.ctg-part { border-top: 3px solid var(--ctg-border); padding-top: 1rem; }
.ctg-print-toc { display: none; }
.ctg-print-toc ol, .ctg-print-toc ul { font-size: 1rem; line-height: 1.45; }
.ctg-print-toc-annexes { font-size: 1.2rem; font-weight: bold; margin: 1rem 0 0; }
.ctg-print-toc-title { font-size: 1.5rem; font-weight: bold; margin: 0 0 0.5rem; }
p.ctg-annex-note { font-style: italic; color: var(--ctg-muted); }
@media print {
  nav, .ctg-back { display: none !important; }
  .ctg-print-toc { display: block; break-after: page; page-break-after: always; }
  section.ctg-part { break-before: page; page-break-before: always; margin-top: 0; }
  section.ctg-annexes h2.ctg-annex-title { break-before: page; page-break-before: always; }
  section.ctg-annexes h2.ctg-annex-title:first-of-type { break-before: auto; }
  .ecran-seulement { display: none !important; }
  section.ctg-part.ctg-part-first { break-before: auto; page-break-before: auto; }
  section.ctg-part + section.ctg-part { border-top: 0; padding-top: 0; }
  tr, figure, img, .jp-RenderedImage { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  section.ctg-synthese { font-size: 9pt; line-height: 1.3; }
  section.ctg-synthese li { margin: 0.15em 0; }
  section.ctg-synthese h2, section.ctg-synthese h3 { margin: 0.5em 0 0.3em; }
  main a[href]:not([href^="#"]):not(.anchor-link)::after {
    content: " (" attr(href) ")"; font-size: 0.85em; word-break: break-all;
  }
}
"""

#: Printed page budget of ``rapport_complet.html`` (A4): the main body (synthesis,
#: printed table of contents and chapters) fits in **30 pages**, the Pacte's "une
#: trentaine de pages au maximum"; the detail goes to the annexes, counted apart.
PRINT_BUDGET_PAGES = 30
#: Printed page budget of the annexes of the demo's ``rapport_complet.html``: a guard
#: against runaway detail (the demo's twelve chapters print about 130 pages of annexes:
#: commune tables, definitions, cross-tabulations, maps).
ANNEX_BUDGET_PAGES = 140
#: Cell tag (notebook templates) and element class (views) sending a block to the annexes
#: of ``rapport_complet.html``. A tagged markdown heading takes its whole section along
#: (every cell up to the next heading of the same or a higher level).
ANNEX_TAG = "annexe"
ANNEX_CLASS = "ctg-annexe"

_ID_REFERENCES = ("aria-labelledby", "aria-describedby", "aria-controls", "for", "headers")


@dataclass
class _Part:
    path: Path
    title: str
    fictional: bool
    main: Tag
    footer: Tag | None
    extra_styles: list[str]


def _part_order(paths: Sequence[Path], manifest: Mapping[str, Any] | None) -> list[Path]:
    """Notebook pages in reading order: the manifest's notebooks and surveys, else names."""
    notebooks = [str(n) for n in (manifest or {}).get("notebooks") or []] or list(notebook_names())
    params = (manifest or {}).get("params") or {}
    surveys = [str(s.get("id")) for s in (params.get("surveys") or []) if isinstance(s, dict)]

    def key(path: Path) -> tuple[int, int, str]:
        stem = path.stem
        for position, name in enumerate(notebooks):
            if stem == name:
                return (position, -1, stem)
            if stem.startswith(name + "_"):
                rest = stem[len(name) + 1 :]
                index = surveys.index(rest) if rest in surveys else len(surveys)
                return (position, index, stem)
        return (len(notebooks), 0, stem)

    return sorted(paths, key=key)


def _strip_title(title: str, territory: str | None) -> str:
    """Part label from a page title "Données fictives — <part> — <territory>"."""
    text = " ".join(title.split())
    if text.startswith(_FICTIONAL_TITLE_PREFIX):
        text = text[len(_FICTIONAL_TITLE_PREFIX) :]
    if territory and text.endswith(f" — {territory}"):
        return text[: -len(f" — {territory}")].strip() or text
    if " — " in text:
        return text.rsplit(" — ", 1)[0].strip()
    return text


def _read_part(path: Path, css: str) -> _Part:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main") or soup.body
    if main is None:
        raise ValueError(f"{path} : ni <main> ni <body> dans la page")
    title = " ".join(soup.title.get_text().split()) if soup.title is not None else ""
    banners = main.find_all("div", class_="ctg-fictional-banner")
    fictional = bool(banners) or title.strip().startswith(_FICTIONAL_TITLE_PREFIX)
    for tag in banners + main.find_all("nav") + main.find_all("p", class_="ctg-back"):
        tag.decompose()
    footers = main.find_all("footer", class_="ctg-footer")
    footer = footers[-1].extract() if footers else None
    for extra in footers[:-1]:
        extra.decompose()
    head = soup.head
    styles = []
    if head is not None:
        for style in head.find_all("style"):
            text = style.get_text()
            if text.strip() and text.strip() != css.strip():
                styles.append(text)
    return _Part(
        path=path, title=title, fictional=fictional, main=main, footer=footer, extra_styles=styles
    )


def _common_territory(parts: Sequence[_Part]) -> str | None:
    """The territory named at the end of every page title ("… — <territory>"), if any."""
    names = set()
    for part in parts:
        text = part.title
        if text.startswith(_FICTIONAL_TITLE_PREFIX):
            text = text[len(_FICTIONAL_TITLE_PREFIX) :]
        if " — " not in text:
            return None
        names.add(text.rsplit(" — ", 1)[1].strip())
    return names.pop() if len(names) == 1 else None


def _set_heading_text(heading: Tag, text: str) -> None:
    """Replace the text of a heading, keeping nbconvert's anchor link."""
    anchors = [a.extract() for a in heading.find_all("a", class_="anchor-link")]
    heading.clear()
    heading.append(text)
    for anchor in anchors:
        heading.append(anchor)


def _unique(base: str, used: set[str]) -> str:
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    used.add(candidate)
    return candidate


def _part_section(
    part: _Part,
    number: int,
    soup: BeautifulSoup,
    used: set[str],
    *,
    territory: str | None,
    targets: dict[str, tuple[str, dict[str, str]]],
) -> Tag:
    """The part as a ``<section>``: one h1 (the part title), unique ids, links fixed.

    ``targets`` receives, under the page's file name, the section id and the ids renamed,
    so that links from another part to this page can be made in-page links.
    """
    label = _strip_title(part.title, territory) if part.title else part.path.stem
    section = soup.new_tag(
        "section",
        attrs={"class": "ctg-part", "id": _unique(f"partie-{number}", used), "aria-label": label},
    )
    if number == 1:
        section["class"] = ["ctg-part", "ctg-part-first"]  # type: ignore[assignment]  # bs4 takes a list
    for child in list(part.main.contents):
        section.append(child.extract())
    headings = [h for h in section.find_all(["h1", "h2", "h3"]) if h.find_parent("nav") is None]
    old_title_id = None
    if headings and headings[0].name == "h1":
        title = headings[0]
        old_title_id = str(title["id"]) if title.get("id") else None
        _set_heading_text(title, label)
        title["id"] = anchor_slug(label)
    else:
        title = soup.new_tag("h1", attrs={"id": anchor_slug(label)})
        title.string = label
        section.insert(0, title)
    title["class"] = list(title.get("class") or []) + ["ctg-part-title"]  # type: ignore[assignment]  # bs4 takes a list
    for heading in headings:
        if heading.name == "h1" and heading is not title:
            heading.name = "h2"  # one h1 per part
    # Ids unique across the whole document; in-part links follow their target.
    renamed: dict[str, str] = {}
    for element in section.find_all(id=True):
        old = str(element["id"])
        new = _unique(old, used)
        renamed.setdefault(old, new)
        element["id"] = new
    if old_title_id is not None:
        renamed[old_title_id] = str(title["id"])
    for link in section.find_all("a", href=True):
        href = str(link["href"])
        if link.find_parent(["h1", "h2", "h3"]) is not None and "anchor-link" in (
            link.get("class") or []
        ):
            parent = link.find_parent(["h1", "h2", "h3"])
            assert parent is not None  # found just above
            link["href"] = f"#{parent['id']}"
        elif href.startswith("#") and href[1:] in renamed:
            link["href"] = f"#{renamed[href[1:]]}"
    for attribute in _ID_REFERENCES:
        for element in section.find_all(None, {attribute: True}):
            value = element[attribute]
            tokens = value if isinstance(value, list) else str(value).split()
            element[attribute] = " ".join(renamed.get(t, t) for t in tokens)
    targets[part.path.name] = (str(section["id"]), renamed)
    return section


def _is_annex_cell(cell: Tag) -> bool:
    """Whether a notebook cell is tagged ``annexe`` or holds an element of class ``ctg-annexe``."""
    classes = list(cell.get("class") or [])
    return (
        f"celltag_{ANNEX_TAG}" in classes
        or cell.find(class_=[f"celltag_{ANNEX_TAG}", ANNEX_CLASS]) is not None
    )


def _heading_level(cell: Tag) -> int | None:
    """Level of the first heading of a markdown cell (``None`` for other cells)."""
    if "jp-MarkdownCell" not in list(cell.get("class") or []):
        return None
    heading = cell.find(["h1", "h2", "h3", "h4"])
    return int(heading.name[1]) if isinstance(heading, Tag) else None


def _take_annex(section: Tag) -> list[Tag]:
    """Extract the annex cells of a part (tagged headings take their section along)."""
    cells = [c for c in section.find_all("div", class_="jp-Cell", recursive=False)]
    taken: list[Tag] = []
    level: int | None = None  # inside a tagged heading's section
    for cell in cells:
        heading = _heading_level(cell)
        if level is not None and heading is not None and heading <= level:
            level = None
        if _is_annex_cell(cell):
            if heading is not None and level is None:
                level = heading
            taken.append(cell)
        elif level is not None:
            taken.append(cell)
    return [cell.extract() for cell in taken]


def _annex_section(
    soup: BeautifulSoup, moved: Sequence[tuple[Tag, list[Tag]]], used: set[str]
) -> Tag | None:
    """The final "Annexes" part: per chapter, its annex cells, headings one level down."""
    if not moved:
        return None
    annex = soup.new_tag(
        "section", attrs={"class": "ctg-part ctg-annexes", "id": _unique("annexes", used)}
    )
    title = soup.new_tag("h1", attrs={"id": _unique("annexes-titre", used)})
    title["class"] = ["ctg-part-title"]  # type: ignore[assignment]  # bs4 takes a list
    title.string = "Annexes"
    annex.append(title)
    intro = soup.new_tag("p", attrs={"class": "ctg-paragraph"})
    intro.string = (
        "Le détail des chapitres : tableaux complets, définitions, méthode, tableaux "
        "croisés et expression libre des enquêtes."
    )
    annex.append(intro)
    for letter, (part, cells) in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", moved, strict=False):
        label = str(part.get("aria-label") or "")
        heading = soup.new_tag("h2", attrs={"id": _unique(f"annexe-{letter.lower()}", used)})
        heading["class"] = ["ctg-annex-title"]  # type: ignore[assignment]  # bs4 takes a list
        heading.string = f"Annexe {letter} — {label}"
        annex.append(heading)
        for cell in cells:
            for old in cell.find_all(["h2", "h3", "h4"]):
                old.name = f"h{min(int(old.name[1]) + 1, 5)}"
            annex.append(cell)
        note = soup.new_tag("p", attrs={"class": "ctg-annex-note"})
        note.string = f"Détail de ce chapitre en annexe {letter} (fin du rapport)."
        part.append(note)
    return annex


def _printed_toc(soup: BeautifulSoup, sections: Sequence[Tag]) -> Tag:
    """The printed table of contents: the numbered parts (the screen one is hidden in print)."""
    nav = soup.new_tag("div", attrs={"class": "ctg-print-toc", "aria-hidden": "true"})
    title = soup.new_tag("p", attrs={"class": "ctg-print-toc-title"})
    title.string = "Sommaire"
    nav.append(title)
    items = soup.new_tag("ol")
    annex_items = soup.new_tag("ul")
    for section in sections:
        annex = "ctg-annexes" in list(section.get("class") or [])
        for heading in section.find_all("h2" if annex else "h1", limit=None if annex else 1):
            if annex and "ctg-annex-title" not in list(heading.get("class") or []):
                continue
            item = soup.new_tag("li")
            item.string = _heading_label(heading)
            (annex_items if annex else items).append(item)
    nav.append(items)
    if annex_items.contents:
        annex_title = soup.new_tag("p", attrs={"class": "ctg-print-toc-annexes"})
        annex_title.string = "Annexes"
        nav.append(annex_title)
        nav.append(annex_items)
    note = soup.new_tag("p", attrs={"class": "ctg-annex-note"})
    note.string = "Les numéros de page figurent en bas de chaque page."
    nav.append(note)
    return nav


def _heading_label(heading: Tag) -> str:
    """A heading's text without its anchor link (¶)."""
    parts = [
        str(text)
        for text in heading.find_all(string=True)
        if not (
            isinstance(text.parent, Tag) and "anchor-link" in list(text.parent.get("class") or [])
        )
    ]
    return " ".join("".join(parts).split())


def _link_parts(main: Tag, targets: Mapping[str, tuple[str, dict[str, str]]]) -> None:
    """Links to another gathered page (``02_….html#menages``) become in-page links."""
    for link in main.find_all("a", href=True):
        page, _, fragment = str(link["href"]).partition("#")
        if page in targets:
            section, renamed = targets[page]
            link["href"] = f"#{renamed.get(fragment, section) if fragment else section}"


def _manifest_name(manifest: Mapping[str, Any] | None) -> str | None:
    territory = (manifest or {}).get("territory") or {}
    return str(territory["name"]) if territory.get("name") else None


def _index_name(folder: Path) -> str | None:
    """The territory in the title of the folder's ``index.html``."""
    index = folder / "index.html"
    if index.is_file():
        heading = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser").find("h1")
        if heading is not None:
            text = " ".join(heading.get_text().split())
            prefix = "Diagnostic de territoire — "
            return text[len(prefix) :] if text.startswith(prefix) else text
    return None


def _index_synthesis(folder: Path, given: str | None) -> Tag | None:
    """The synthesis that opens the report: ``given`` HTML, else the one of ``index.html``."""
    from ctgstats.publish.synthesis import SYNTHESIS_CLASS

    index = folder / "index.html"
    if given is None and not index.is_file():
        return None
    source = given if given is not None else index.read_text(encoding="utf-8")
    section = BeautifulSoup(source, "html.parser").find("section", class_=SYNTHESIS_CLASS)
    if not isinstance(section, Tag):
        return None
    section["style"] = "break-after: page; page-break-after: always;"
    return section


def _own_glossary(main: Tag) -> None:
    """Append the jargon glossary and point the parts' glossary links at it.

    The pages link their jargon to ``index.html#glossaire-…``; the single file is often
    forwarded alone, so it carries the glossary itself and links within the page.
    """
    main.append(BeautifulSoup(jargon_glossary_html(), "html.parser"))
    for link in main.find_all("a", href=True):
        href = str(link["href"])
        if href.startswith(f"index.html#{GLOSSARY_ID}"):
            link["href"] = href[len("index.html") :]


def single_file_report(
    territory_dir: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    parts: Sequence[str] | None = None,
    title: str | None = None,
    synthesis_html: str | None = None,
) -> Path:
    """Gather a territory's notebook pages into one self-contained ``rapport_complet.html``.

    The ``0*_*.html`` pages of ``territory_dir`` (in the order of ``manifest.json``: its
    notebooks, surveys in the params' order; else by name) become the parts of one page:
    a single table of contents ("Sommaire": one h1 per part, its h2/h3 below), a single
    fictional-data banner at the top when the data are fictional, one stylesheet (the
    report CSS and print rules: a page break before each part, no navigation, table rows kept
    whole where possible, link targets printed), ``lang="fr"``. Code is already hidden
    and images already embedded by :func:`ctgstats.publish.export.notebook_to_html`. Each part's
    first h1 is retitled with the part title of its page (e.g. "Enquête « elus »") and
    any other h1 becomes an h2; ids repeated across parts are made unique and the links
    of the table of contents and of each part follow.

    Parameters
    ----------
    territory_dir
        The territory's output folder (``<output-dir>/<slug>/``, or the runner's staging
        folder).
    max_bytes
        Size budget of the page, in bytes of UTF-8: **15 000 000 (15 Mo) by default**. A
        larger page raises :class:`ReportTooLargeError` and nothing is written.
    parts
        File names of the pages to gather, in order (default: every ``0*_*.html``).
    title
        Name shown at the top (default: the territory of ``manifest.json``, else the
        title of ``index.html``).
    synthesis_html
        The one-page synthesis (:mod:`ctgstats.publish.synthesis`) placed first, on a
        page of its own when printed; by default the one of ``index.html`` if any.

    Returns
    -------
    pathlib.Path
        ``territory_dir/rapport_complet.html``; its size is logged (INFO).

    Raises
    ------
    FileNotFoundError
        If the folder has no notebook page.
    ReportTooLargeError
        Over the size budget.
    NotSelfContainedError
        If the page would request an external resource.
    """
    folder = Path(territory_dir)
    manifest = (
        _read_manifest(folder / "manifest.json") if (folder / "manifest.json").is_file() else None
    )
    if parts is not None:
        paths = [folder / name for name in parts]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise FileNotFoundError(f"pages de carnets introuvables : {', '.join(missing)}")
    else:
        paths = _part_order(
            [p for p in folder.glob("*.html") if notebook_of_page(p.stem) is not None], manifest
        )
    if not paths:
        raise FileNotFoundError(f"aucune page de carnet (0*_*.html) dans {folder}")
    css = report_css()
    loaded = [_read_part(path, css) for path in paths]
    territory = (
        title or _manifest_name(manifest) or _common_territory(loaded) or _index_name(folder)
    )
    fictional = any(p.fictional for p in loaded) or bool((manifest or {}).get("fictional_data"))

    heading_text = territory or folder.name
    page_title = (
        _FICTIONAL_TITLE_PREFIX if fictional else ""
    ) + f"Rapport complet — {heading_text}"
    extra_styles = list(dict.fromkeys(s for p in loaded for s in p.extra_styles))
    skeleton = (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<meta name="generator" content="ctgstats {escape(__version__)}">\n'
        f"<title>{escape(page_title)}</title>\n"
        f'<style type="text/css">\n{css}{_SINGLE_FILE_CSS}</style>\n'
        + "".join(f'<style type="text/css">\n{s}</style>\n' for s in extra_styles)
        + '</head>\n<body class="ctg-report ctg-complete">\n<main></main>\n'
        "</body>\n</html>\n"
    )
    soup = BeautifulSoup(skeleton, "html.parser")
    main = soup.find("main")
    assert main is not None
    if (folder / "index.html").is_file():
        main.append(
            BeautifulSoup(
                '<p class="ctg-back"><a href="index.html">← Retour à '
                "l'accueil du diagnostic</a></p>",
                "html.parser",
            )
        )
    if fictional:
        main.append(BeautifulSoup(fictional_banner_html(), "html.parser"))
    count = len(loaded)
    header = BeautifulSoup(
        f'<header class="ctg-complete-header"><p class="ctg-complete-title">'
        f"{escape(heading_text)}</p>"
        f'<p class="ctg-subtitle">Rapport complet en un seul fichier · {count} '
        f"partie{'s' if count > 1 else ''}</p></header>",
        "html.parser",
    )
    main.append(header)
    synthesis = _index_synthesis(folder, synthesis_html)
    if synthesis is not None:
        main.append(synthesis)
    used = {"sommaire", "synthese"}
    targets: dict[str, tuple[str, dict[str, str]]] = {}
    sections = [
        _part_section(part, number, soup, used, territory=territory, targets=targets)
        for number, part in enumerate(loaded, start=1)
    ]
    moved = [(section, cells) for section in sections if (cells := _take_annex(section))]
    annex = _annex_section(soup, moved, used)
    if annex is not None:
        sections.append(annex)
    main.append(_printed_toc(soup, sections))
    headings = [
        h
        for section in sections
        for h in section.find_all(["h1", "h2", "h3"])
        if h.find_parent("nav") is None and h.get("id")
    ]
    nav = table_of_contents(soup, headings)
    nav["id"] = "sommaire"
    main.append(nav)
    for section in sections:
        main.append(section)
    _link_parts(main, targets)
    _own_glossary(main)
    footer = next((p.footer for p in reversed(loaded) if p.footer is not None), None)
    if footer is not None:
        main.append(footer)
    page = str(soup)
    external = check_offline(page)
    if external:
        raise NotSelfContainedError(external, where=str(folder / SINGLE_FILE_NAME))
    target = folder / SINGLE_FILE_NAME
    size = len(page.encode("utf-8"))
    if size > max_bytes:
        raise ReportTooLargeError(target, size, max_bytes)
    write_text_atomic(target, page)
    log.info(
        "%s: %s MB (%d bytes, budget %s MB), %d part(s)",
        target,
        _megabytes(size),
        size,
        _megabytes(max_bytes),
        count,
    )
    return target
