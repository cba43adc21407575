"""Self-contained, offline HTML pages of the report.

The pages are read offline by elected officials and CAF advisers and often forwarded by
email: a page must open alone, with no request to the network and no code. Notebooks are
converted with nbconvert's ``lab`` template through the ``ctgstats`` template
(``templates/ctgstats``), which drops every script and CDN link and inlines our CSS;
this module then adds a table of contents, the fictional-data banner when needed, and
checks that nothing external is left (:func:`check_offline`) before writing the file
atomically.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Sequence
from html import escape
from pathlib import Path
from urllib.parse import quote, unquote

import nbformat
from bs4 import BeautifulSoup, Tag
from nbconvert import HTMLExporter
from traitlets.config import Config

from ctgstats.core.errors import RunError
from ctgstats.core.files import write_text_atomic
from ctgstats.present.display import FICTIONAL_TEXT, fictional_banner_html
from ctgstats.present.glossary import jargon_glossary_html, link_jargon

__all__ = [
    "TEMPLATE_DIR",
    "TEMPLATE_NAME",
    "NotSelfContainedError",
    "report_css",
    "notebook_to_html",
    "check_offline",
    "pager_html",
    "render_index",
]

log = logging.getLogger(__name__)

#: Folder holding the nbconvert template ``ctgstats``.
TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "ctgstats"
CSS_PATH = TEMPLATE_DIR / TEMPLATE_NAME / "static" / "ctgstats.css"

#: Alternative text nbconvert gives images that have none (English): replaced.
_NBCONVERT_ALT = "No description has been provided for this image"
_FRENCH_ALT = "Graphique (titre et source inscrits dans l'image)"
_FICTIONAL_TITLE_PREFIX = "Données fictives — "

#: Tags removing a cell, or its outputs, from the HTML report.
REMOVE_CELL_TAGS = frozenset({"remove_cell", "remove-cell", "ctgstats-remove"})
REMOVE_OUTPUT_TAGS = frozenset({"remove_output", "remove-output"})


class NotSelfContainedError(RunError, RuntimeError):
    """An HTML page would request an external resource (it must work offline)."""

    def __init__(self, resources: Sequence[str], *, where: str = "") -> None:
        self.resources = list(resources)
        place = f" dans {where}" if where else ""
        listed = "\n  ".join(self.resources)
        super().__init__(
            f"ressources externes{place} (la page doit fonctionner hors ligne) :\n  {listed}"
        )


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


def report_css() -> str:
    """The report stylesheet (shared by the notebook pages and the index)."""
    return CSS_PATH.read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------
# Offline check
# --------------------------------------------------------------------------------------

_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?['"]?([^'")\s;]+)""", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"""['"`]((?:https?:)?//[^'"`\s]+)""", re.IGNORECASE)
_LINK_RELS_FINE = frozenset(
    {
        "alternate",
        "author",
        "bookmark",
        "canonical",
        "help",
        "license",
        "next",
        "prev",
        "search",
        "noopener",
        "noreferrer",
        "nofollow",
        "external",
    }
)
_SRC_TAGS = (
    "script",
    "img",
    "iframe",
    "frame",
    "embed",
    "source",
    "audio",
    "video",
    "track",
    "input",
)


def _is_local(url: str) -> bool:
    """True when a browser needs no request for this URL (data, fragment, blank)."""
    value = url.strip().lower()
    return (
        not value
        or value.startswith(("data:", "#", "about:", "blob:"))
        or value.startswith("javascript:")
    )


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def _css_resources(css: str) -> list[str]:
    found = [m.group(2).strip() for m in _CSS_URL.finditer(css)]
    found += [m.group(1).strip() for m in _CSS_IMPORT.finditer(css)]
    return [url for url in found if not _is_local(url)]


def _tag_resources(tag: Tag) -> list[str]:
    name = tag.name
    urls: list[str] = []
    if name in _SRC_TAGS and tag.get("src"):
        urls.append(str(tag["src"]))
    if name in ("img", "source") and tag.get("srcset"):
        urls.extend(_srcset_urls(str(tag["srcset"])))
    if name == "video" and tag.get("poster"):
        urls.append(str(tag["poster"]))
    if name == "object" and tag.get("data"):
        urls.append(str(tag["data"]))
    if name == "link" and tag.get("href"):
        rels = {str(r).lower() for r in (tag.get("rel") or [])}
        if not rels or not rels <= _LINK_RELS_FINE:
            urls.append(str(tag["href"]))
    if name in ("image", "use", "feimage"):
        for attribute in ("href", "xlink:href"):
            if tag.get(attribute):
                urls.append(str(tag[attribute]))
    if tag.get("style"):
        urls.extend(_css_resources(str(tag["style"])))
    if name == "style":
        urls.extend(_css_resources(tag.get_text()))
    if name == "script" and not tag.get("src"):
        urls.extend(m.group(1) for m in _SCRIPT_URL.finditer(tag.get_text()))
    return [url for url in urls if not _is_local(url)]


def check_offline(html: str) -> list[str]:
    """External resources a browser would request when opening this page.

    Looks at ``<script src>``, ``<link href>`` (stylesheets, preload, icons …),
    ``<img src/srcset>``, ``<iframe>``, ``<source>``, ``<video>``/``<audio>``,
    ``<embed>``, ``<object data>``, SVG ``<image>``/``<use>``, CSS ``url(…)`` and
    ``@import`` in ``<style>`` and ``style=""``, and absolute URLs inside inline scripts.
    ``data:`` URIs and in-page fragments are fine, and so are plain ``<a href>`` links.
    Relative paths count as external: a page forwarded alone would miss them.

    Returns
    -------
    list of str
        The URLs, in document order, without duplicates; empty when the page is
        self-contained.
    """
    soup = BeautifulSoup(html, "html.parser")
    found: list[str] = []
    for tag in soup.find_all(True):
        found.extend(_tag_resources(tag))
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------------------
# Notebook → HTML
# --------------------------------------------------------------------------------------


def _exporter() -> HTMLExporter:
    config = Config()
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.HTMLExporter.language_code = "fr"
    config.HTMLExporter.embed_images = True
    config.CSSHTMLHeaderPreprocessor.enabled = False  # pygments CSS: no code is shown
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)
    return HTMLExporter(
        config=config, template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATE_DIR)]
    )


def _drop_stderr(notebook: nbformat.NotebookNode, *, source: str) -> None:
    """Remove stderr streams (warnings) from the outputs; log what was removed."""
    for cell in notebook.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                log.warning(
                    "%s : sortie d'erreur (stderr) laissée hors du rapport HTML : %s",
                    source,
                    str(output.get("text", "")).strip()[:500],
                )
                continue
            kept.append(output)
        cell["outputs"] = kept


def _is_anchor_link(tag: Tag | None) -> bool:
    return tag is not None and tag.name == "a" and "anchor-link" in (tag.get("class") or [])


def _heading_text(heading: Tag) -> str:
    """Text of a heading without nbconvert's "¶" anchor link."""
    parts = [
        str(text) for text in heading.find_all(string=True) if not _is_anchor_link(text.parent)
    ]
    return " ".join("".join(parts).split())


def anchor_slug(text: str) -> str:
    """ASCII anchor of a heading: ``"Évolution démographique" -> "evolution-demographique"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "section"


def _unique_ids(headings: Sequence[Tag], soup: BeautifulSoup) -> None:
    """Give every heading a readable id, unique in the page; in-page links follow.

    nbconvert's ids keep accents percent-encoded (``%C3%89volution``) and repeat when
    two headings share a text; links shared by email read better as ``#evolution``.
    """
    used = {str(t["id"]) for t in soup.find_all(id=True) if t not in headings}
    renamed: dict[str, str] = {}
    for heading in headings:
        base = anchor_slug(_heading_text(heading))
        candidate, number = base, 2
        while candidate in used:
            candidate, number = f"{base}-{number}", number + 1
        used.add(candidate)
        old = heading.get("id")
        if old and str(old) not in renamed:
            renamed[str(old)] = candidate
            renamed.setdefault(unquote(str(old)), candidate)
        heading["id"] = candidate
        for anchor in heading.find_all("a", class_="anchor-link"):
            anchor["href"] = f"#{candidate}"
    for link in soup.find_all("a", href=True):
        href = str(link["href"])
        if href.startswith("#") and "anchor-link" not in (link.get("class") or []):
            target = renamed.get(href[1:]) or renamed.get(unquote(href[1:]))
            if target:
                link["href"] = f"#{target}"


#: Beyond this many headings, a page's table of contents folds its sub-headings.
TOC_FOLD_AFTER = 12


def table_of_contents(
    soup: BeautifulSoup, headings: Sequence[Tag], *, fold_after: int | None = None
) -> Tag:
    """The page's table of contents (h1-h3), its long sections folded.

    With more than ``fold_after`` headings, the entries are grouped: the headings of the
    first level that occurs several times (the sections: h2 on a notebook page) stay
    visible, and the sub-headings of each sit in a closed ``<details>`` under it ("4
    sous-rubriques"); pure HTML, no script. None: a flat list, whatever its length.
    """
    nav = soup.new_tag("nav", attrs={"class": "ctg-toc", "aria-label": "Sommaire"})
    title = soup.new_tag("p", attrs={"class": "ctg-toc-title"})
    title.string = "Sommaire"
    nav.append(title)
    items = soup.new_tag("ul")
    levels = [int(heading.name[1]) for heading in headings]
    repeated = [level for level in sorted(set(levels)) if levels.count(level) > 1]
    fold = fold_after is not None and len(headings) > fold_after and bool(repeated)
    group_level = repeated[0] if repeated else 1
    parent: Tag | None = None
    sub: Tag | None = None
    for heading, level in zip(headings, levels, strict=True):
        item = soup.new_tag("li", attrs={"class": f"ctg-toc-{level}"})
        link = soup.new_tag("a", href=f"#{heading['id']}")
        link.string = _heading_text(heading)
        item.append(link)
        if fold and level > group_level and parent is not None:
            if sub is None:
                sub = soup.new_tag("ul")
            sub.append(item)
            continue
        _close_group(soup, parent, sub)
        sub = None
        parent = item if level == group_level else None
        items.append(item)
    _close_group(soup, parent, sub)
    nav.append(items)
    return nav


def _close_group(soup: BeautifulSoup, parent: Tag | None, sub: Tag | None) -> None:
    """Fold the sub-entries ``sub`` of a table-of-contents entry under it."""
    if parent is None or sub is None:
        return
    count = len(sub.find_all("li"))
    folded = soup.new_tag("details", attrs={"class": "ctg-toc-fold"})
    summary = soup.new_tag("summary")
    summary.string = f"{count} sous-rubrique{'s' if count > 1 else ''}"
    folded.append(summary)
    folded.append(sub)
    parent.append(folded)


#: A neighbouring page: (French title, relative href).
PageLink = tuple[str, str]


def pager_html(
    *,
    previous: PageLink | None,
    following: PageLink | None,
    index_href: str | None,
    where: str = "haut",
) -> str:
    """« précédent / suivant » links between the pages of a diagnostic, and its home page.

    Parameters
    ----------
    previous, following
        (French title, relative href) of the previous and next pages in reading order, or
        None for the first (last) page.
    index_href
        Relative link to the territory's home page (``index.html``), or None.
    where
        ``"haut"`` or ``"bas"``: which end of the page (the label of the ``<nav>``).

    Returns
    -------
    str
        A ``<nav class="ctg-pager">`` (empty string when there is nothing to link).
    """
    parts = []
    if previous is not None:
        parts.append(
            f'<a class="ctg-pager-prev" rel="prev" href="{_href(previous[1])}">'
            f'← précédent<span class="ctg-pager-title"> : {escape(previous[0])}</span></a>'
        )
    if index_href:
        parts.append(
            f'<a class="ctg-pager-home" href="{_href(index_href)}">Accueil du diagnostic</a>'
        )
    if following is not None:
        parts.append(
            f'<a class="ctg-pager-next" rel="next" href="{_href(following[1])}">'
            f'suivant<span class="ctg-pager-title"> : {escape(following[0])}</span> →</a>'
        )
    if not parts:
        return ""
    return (
        f'<nav class="ctg-pager ctg-pager-{where}" '
        f'aria-label="Pages du diagnostic ({where} de page)">{"".join(parts)}</nav>'
    )


def _fragment(html: str) -> Tag:
    """First element of an HTML snippet, ready to insert into another page."""
    element = BeautifulSoup(html, "html.parser").find(True)
    assert element is not None
    return element


_NUMBER = r"[+−-]?\d[\d\u00a0\u202f ]*(?:,\d+)?"
_NUMERIC_CELL = re.compile(
    rf"^(?:{_NUMBER}(?:\s?(?:%|€|pts?|points?|‰))?"
    rf"(?:\s?[–-]\s?{_NUMBER}(?:\s?(?:%|€))?)?|n\.d\.|n\.c\.|s|—|-)"
    r"(?:\s*±.*|\s*\(.*\))?$"
)
"""A table cell that holds a number (with its unit, interval or margin), or a missing mark."""


def align_numbers(soup: BeautifulSoup) -> None:
    """Right-align every table cell holding a number, in every table.

    Tables made by ctgstats' display helpers already mark their number cells (``num``);
    those made by ``DataFrame.to_html`` (commune tables, survey tables) get the class
    ``ctg-num`` here (right-aligned, still allowed to wrap in print), so numbers are
    right-aligned in every table a reader sees.
    """
    for cell in soup.find_all("td"):
        classes = [str(c) for c in (cell.get("class") or [])]
        if "num" in classes or "ctg-num" in classes:
            continue
        text = cell.get_text(" ", strip=True)
        if text and _NUMERIC_CELL.match(text):
            cell["class"] = " ".join([*classes, "ctg-num"])


def _postprocess(
    html: str,
    *,
    title: str,
    fictional: bool,
    index_href: str | None,
    footer: str | None,
    previous: PageLink | None = None,
    following: PageLink | None = None,
) -> str:
    soup = BeautifulSoup(html, "html.parser")
    if soup.html is not None:
        soup.html["lang"] = "fr"
    if soup.title is not None:
        soup.title.string = (_FICTIONAL_TITLE_PREFIX if fictional else "") + title
    for image in soup.find_all("img", alt=_NBCONVERT_ALT):
        image["alt"] = _FRENCH_ALT
    align_numbers(soup)
    main = soup.find("main") or soup.body
    assert main is not None
    headings = [h for h in main.find_all(["h1", "h2", "h3"]) if h.find_parent("nav") is None]
    _unique_ids(headings, soup)
    if headings:
        nav = table_of_contents(soup, headings, fold_after=TOC_FOLD_AFTER)
        first = headings[0]
        cell = first.find_parent("div", class_="jp-Cell")
        if first.name == "h1" and cell is not None:
            cell.insert_after(nav)
        else:
            main.insert(0, nav)
    if index_href:  # first COG, UC … of the page: definition on hover, link to the glossary
        link_jargon(main, glossary_href=index_href)
    if fictional:  # exactly one banner, at the top (one displayed by the notebook moves)
        for banner in main.find_all("div", class_="ctg-fictional-banner"):
            banner.decompose()
        main.insert(0, _fragment(fictional_banner_html()))
    top = pager_html(previous=previous, following=following, index_href=None, where="haut")
    if top:
        main.insert(0, _fragment(top))
    if index_href:
        main.insert(
            0,
            _fragment(
                f'<p class="ctg-back"><a href="{_href(index_href)}">'
                "← Retour à l'accueil du diagnostic</a></p>"
            ),
        )
    bottom = pager_html(previous=previous, following=following, index_href=index_href, where="bas")
    if bottom:
        main.append(_fragment(bottom))
    if footer:
        main.append(_fragment(f'<footer class="ctg-footer"><p>{escape(footer)}</p></footer>'))
    return str(soup)


def notebook_to_html(
    notebook_path: str | os.PathLike[str],
    html_path: str | os.PathLike[str],
    *,
    title: str,
    fictional: bool = False,
    index_href: str | None = None,
    footer: str | None = None,
    keep_stderr: bool = False,
    previous: PageLink | None = None,
    following: PageLink | None = None,
) -> Path:
    """Export an executed notebook to one self-contained, offline HTML page.

    Parameters
    ----------
    notebook_path
        The executed notebook (outputs already stored; images are PNG in base64).
    html_path
        The page to write (atomically); parent folders are created.
    title
        French title of the page (``<title>``; prefixed "Données fictives — " when
        ``fictional``).
    fictional
        Add the fictional-data banner at the top of the page.
    index_href
        Relative link back to the territory's ``index.html`` ("Retour à l'accueil").
    footer
        Plain French text of a footer (e.g. generation date and version).
    keep_stderr
        Keep stderr outputs (warnings); by default they are logged and left out.
    previous, following
        (French title, relative href) of the previous and next pages of the diagnostic
        in reading order: « précédent / suivant » links at the top and at the bottom of
        the page (:func:`pager_html`; the bottom one also links ``index_href``).

    Returns
    -------
    pathlib.Path
        ``html_path``.

    Raises
    ------
    NotSelfContainedError
        If the page would still request an external resource (nothing is written).

    Notes
    -----
    Code inputs and prompts are never shown. Cells tagged ``remove_cell`` (or
    ``remove-cell``, ``ctgstats-remove``) are dropped; ``remove_output`` drops outputs.
    The table of contents lists the h1-h3 headings of the page (markdown cells and
    Markdown outputs such as :func:`ctgstats.present.display.markdown_title`); it is placed after
    the title cell when the page starts with an h1, else at the top.
    """
    source = Path(notebook_path)
    notebook = nbformat.read(source, as_version=4)
    if not keep_stderr:
        _drop_stderr(notebook, source=str(source))
    resources = {"metadata": {"name": title, "path": str(source.parent)}}
    body, _ = _exporter().from_notebook_node(notebook, resources=resources)
    page = _postprocess(
        body,
        title=title,
        fictional=fictional,
        index_href=index_href,
        footer=footer,
        previous=previous,
        following=following,
    )
    external = check_offline(page)
    if external:
        raise NotSelfContainedError(external, where=str(source))
    return write_text_atomic(html_path, page)


# --------------------------------------------------------------------------------------
# Index page
# --------------------------------------------------------------------------------------


def _href(href: str) -> str:
    """Escape a relative link for an attribute (spaces and accents percent-encoded)."""
    value = str(href).strip()
    if value.lower().startswith(("javascript:", "vbscript:", "data:")):
        raise ValueError(f"lien non sûr : {href!r}")
    return escape(quote(value, safe="/#?=&%.-_~:+,;@!$'()*"), quote=True)


def _links(items: Sequence[tuple[str, str]]) -> str:
    lines = "".join(
        f'<li><a href="{_href(href)}">{escape(label)}</a></li>' for label, href in items
    )
    return f'<ul class="ctg-links">{lines}</ul>'


def _chapter_links(chapters: Sequence[tuple[str, Sequence[PageLink]]]) -> str:
    """Report pages under the heading of their part; a plain list for a single part."""
    groups = [(heading, pages) for heading, pages in chapters if pages]
    if len(groups) == 1:
        return _links(groups[0][1])
    return "".join(
        f'<h3 class="ctg-chapter-group" id="partie-{anchor_slug(heading)}">{escape(heading)}</h3>'
        f"{_links(pages)}"
        for heading, pages in groups
    )


def render_index(
    *,
    title: str,
    subtitle: str,
    notebooks: Sequence[tuple[str, str]],
    key_figures_html: str,
    tables: Sequence[tuple[str, str]],
    fictional: bool,
    generated_at: str,
    ctgstats_version: str,
    notes: Sequence[str] = (),
    synthesis_html: str = "",
    chapters: Sequence[tuple[str, Sequence[PageLink]]] = (),
    portal_href: str | None = None,
) -> str:
    """The territory's ``index.html``: a self-contained French home page of the report.

    Parameters
    ----------
    title, subtitle
        French title (e.g. the territory) and subtitle (e.g. "Diagnostic CTG — RP2022").
    notebooks
        (French title, relative href) of each report page, in reading order.
    key_figures_html
        HTML of the key figures block (e.g. ``display.key_figures_table(...).data``);
        inserted as is, so it must be trusted HTML.
    tables
        (French label, relative href) of the downloadable tables (CSV, xlsx).
    fictional
        Show the fictional-data banner (and prefix the page title).
    generated_at, ctgstats_version
        Written in the footer ("Document généré le … avec ctgstats …").
    notes
        French notes shown in a "Notes de lecture" section (escaped).

        The page ends with the glossary of the words of the trade
        (:func:`ctgstats.present.glossary.jargon_glossary_html`); the report pages link
        their first occurrence to it.
    synthesis_html
        The one-page synthesis (:func:`ctgstats.publish.synthesis.synthesis_html`),
        trusted HTML placed first, before the key figures.
    chapters
        (French heading, pages) of the report pages grouped by part (« Portrait »,
        « Enquêtes », « Suivi »), listed after ``notebooks`` under their heading when
        there are several parts (one part: a plain list).
    portal_href
        Relative link to the portal of the output folder (every territory), shown at
        the top: « ← Tous les territoires ».

    Returns
    -------
    str
        The page.

    Raises
    ------
    NotSelfContainedError
        If ``key_figures_html`` brings an external resource.
    """
    sections = [
        f'<header><h1>{escape(title)}</h1><p class="ctg-subtitle">{escape(subtitle)}</p></header>'
    ]
    if fictional:
        sections.insert(0, fictional_banner_html())
    if portal_href:
        sections.insert(
            0,
            f'<p class="ctg-back"><a href="{_href(portal_href)}">'
            "← Tous les territoires (portail)</a></p>",
        )
    if synthesis_html:
        sections.append(synthesis_html)
    sections.append(
        f'<section><h2 id="chiffres-cles">Chiffres clés</h2>{key_figures_html}</section>'
    )
    if notebooks or chapters:
        sections.append(
            '<section><h2 id="diagnostic">Diagnostic détaillé</h2>'
            f"{_links(notebooks) if notebooks else ''}{_chapter_links(chapters)}</section>"
        )
    if tables:
        sections.append(
            '<section><h2 id="tableaux">Tableaux à télécharger</h2>'
            "<p>Chiffres à pleine précision, avec leur source, leur définition et "
            "leur disponibilité.</p>"
            f"{_links(tables)}</section>"
        )
    if notes:
        items = "".join(f"<li>{escape(note)}</li>" for note in notes)
        sections.append(
            '<section><h2 id="notes">Notes de lecture</h2>'
            f'<ul class="ctg-notes">{items}</ul></section>'
        )
    sections.append(jargon_glossary_html())
    sections.append(
        f'<footer class="ctg-footer"><p>Document généré le {escape(generated_at)} '
        f"avec ctgstats {escape(ctgstats_version)}.</p>"
        + (f"<p>{escape(FICTIONAL_TEXT)}</p>" if fictional else "")
        + "</footer>"
    )
    page = html_page(
        title=title,
        sections=sections,
        fictional=fictional,
        version=ctgstats_version,
        body_class="ctg-index",
        where="index.html",
    )
    soup = BeautifulSoup(page, "html.parser")
    link_jargon(soup, glossary_href="")
    return str(soup)


def html_page(
    *,
    title: str,
    sections: Sequence[str],
    fictional: bool,
    version: str,
    body_class: str,
    where: str,
    extra_css: str = "",
    script: str = "",
) -> str:
    """A self-contained French page with the report CSS (raises if it would go online)."""
    page_title = (_FICTIONAL_TITLE_PREFIX if fictional else "") + title
    page = (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<meta name="generator" content="ctgstats {escape(version)}">\n'
        f"<title>{escape(page_title)}</title>\n"
        f'<style type="text/css">\n{report_css()}{extra_css}</style>\n</head>\n'
        f'<body class="ctg-report {body_class}">\n<main>\n{"".join(sections)}\n</main>\n'
        + (f"<script>{script}</script>\n" if script else "")
        + "</body>\n</html>\n"
    )
    external = check_offline(page)
    if external:
        raise NotSelfContainedError(external, where=where)
    return page
