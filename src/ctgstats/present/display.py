"""Ready-to-display HTML blocks for the report notebooks.

Notebooks contain only library calls and display: every function here returns an
:class:`IPython.display.HTML` (or :class:`IPython.display.Markdown`) object that renders
in JupyterLab and in the nbconvert HTML export without any JavaScript. The raw HTML
string of a result is its ``.data`` attribute (used by
:func:`ctgstats.publish.export.render_index`).

Everything a reader sees is French; every piece of text coming from data (labels, notes,
sources, user sentences) is escaped with :func:`html.escape`. Elements carry ``ctg-*``
classes styled by the report CSS (``templates/ctgstats/static/ctgstats.css``); the boxes
also carry a few inline styles so that they stay visible in JupyterLab.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from html import escape

import pandas as pd
from IPython.display import HTML, Markdown

from ctgstats.present.formatting import (
    NBSP,
    NOT_AVAILABLE,
    fr_int,
    fr_number,
    fr_percent,
    fr_signed,
    fr_signed_percent,
)
from ctgstats.present.labels import LABELS, indicator_label

__all__ = [
    "INDICATOR_LABELS",
    "FICTIONAL_TEXT",
    "indicator_label",
    "format_value",
    "year_key",
    "key_figures_table",
    "key_figures_html",
    "definitions_table",
    "simple_table",
    "vigilance_box",
    "findings_list",
    "fictional_banner",
    "fictional_banner_html",
    "markdown_title",
    "paragraph",
]

#: French display label of each indicator id (table rows, chart titles), from the registry.
INDICATOR_LABELS: Mapping[str, str] = LABELS

#: Indicators that are changes or balances: shown with an explicit sign (``+233``,
#: ``−20,8 %``). Any indicator id ending with ``_evolution`` or ``_evolution_pct`` too.
SIGNED_INDICATORS: frozenset[str] = frozenset(
    {
        "population_evolution",
        "population_evolution_pct",
        "familles_avec_enfants_evolution",
        "familles_avec_enfants_evolution_pct",
        "solde_naturel",
        "solde_migratoire_apparent",
    }
)

#: Indicators whose value needs more decimals than its unit suggests.
INDICATOR_DECIMALS: dict[str, int] = {
    "taille_moyenne_menages": 2,
    "rapport_interdecile": 1,
}

#: Units shown as whole counts.
COUNT_UNITS: frozenset[str] = frozenset(
    {
        "habitants",
        "personnes",
        "ménages",
        "familles",
        "couples",
        "naissances",
        "décès",
        "allocataires",
        "logements",
        "nombre",
        "effectif",
        "ménages fiscaux",
        "places",
        "enfants",
        "jeunes",
        "bénéficiaires",
        "structures",
        "heures",
        "",
    }
)

#: Text of the banner shown on every page built from fictional data.
FICTIONAL_TEXT = (
    "Données fictives — territoire de démonstration. Aucun chiffre de ce "
    "rapport ne décrit un territoire réel."
)

_MISSING_NOTE = "Valeur non disponible (motif non précisé)."
_NOT_COMPUTED_NOTE = "Indicateur non calculé pour ce territoire."

_BANNER_STYLE = (
    "background:#8a1c1c;color:#ffffff;font-weight:bold;font-size:1.1em;"
    "padding:0.8em 1em;margin:0 0 1em 0;border-radius:4px;"
    "border:3px solid #5c0f0f;text-align:center;"
)
_VIGILANCE_STYLE = (
    "border:1px solid #d9a21b;border-left:6px solid #d9a21b;"
    "background:#fff8e6;padding:0.6em 1em;margin:1em 0;border-radius:3px;"
)
_FINDINGS_STYLE = (
    "border-left:6px solid #4b6a88;background:#f3f6f9;padding:0.6em 1em;"
    "margin:1em 0;border-radius:3px;"
)


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _is_signed(indicateur: str | None) -> bool:
    if not indicateur:
        return False
    return indicateur in SIGNED_INDICATORS or indicateur.endswith(("_evolution", "_evolution_pct"))


def format_value(
    value: float | None, unite: str, *, indicateur: str | None = None, disponible: bool = True
) -> str:
    """Format one figure for a reader, according to its unit.

    Parameters
    ----------
    value
        The value at full precision.
    unite
        Unit of the figures table: ``"%"`` → ``12,3 %``; ``"%/an"`` → ``+0,4 % par an``;
        ``"points"`` → ``+1,2 pt``; ``"€"`` → ``21 450 €``; ``"indice"`` → ``87,4``;
        counts (``"habitants"``, ``"ménages"`` …) → ``12 346``. Any other unit gives one
        decimal followed by the unit.
    indicateur
        Indicator id: balances and changes (:data:`SIGNED_INDICATORS`) get a sign
        (``−20,8 %``, ``+233``), some indicators more decimals (:data:`INDICATOR_DECIMALS`).
    disponible
        ``False`` gives ``"n.d."`` whatever the value.

    Returns
    -------
    str
        French text with no-break spaces (U+00A0).
    """
    if not disponible or _is_missing(value):
        return NOT_AVAILABLE
    number = float(value)  # type: ignore[arg-type]
    unit = (unite or "").strip()
    signed = _is_signed(indicateur)
    if unit == "%":
        return fr_signed_percent(number, 1) if signed else fr_percent(number, 1)
    if unit == "%/an":
        return f"{fr_signed(number, 1)}{NBSP}% par an"
    if unit in ("points", "point", "pt", "pts"):
        return f"{fr_signed(number, 1)}{NBSP}pt"
    if unit == "€":
        return f"{fr_int(number)}{NBSP}€"
    if unit == "indice":
        return fr_number(number, 1)
    if indicateur in INDICATOR_DECIMALS:
        return fr_number(number, INDICATOR_DECIMALS[indicateur])
    if unit in COUNT_UNITS:
        return fr_signed(number, 0) if signed else fr_int(number)
    return f"{fr_number(number, 1)}{NBSP}{unit}"


def format_quantity(value: float | None, unite: str) -> str:
    """A value in a sentence: :func:`format_value`, with the unit after a count.

    ``158`` allocataires → ``158 allocataires``; ``17,96`` pour 100 enfants →
    ``18,0 pour 100 enfants``; ``42,04`` % → ``42,0 %``. Tables and sentences round the
    same way because both go through :func:`format_value`.
    """
    text = format_value(value, unite)
    unit = (unite or "").strip()
    if text == NOT_AVAILABLE or unit in ("", "nombre", "effectif") or unit not in COUNT_UNITS:
        return text
    return f"{text}{NBSP}{unit}"


def format_change(change: float | None, unite: str) -> str:
    """A change between two values of unit ``unite``, signed and with its unit.

    Shares change in points (``+1,2 point``, ``−12,8 points``), counts in their unit
    (``+17 allocataires``), euros in euros, other units with one decimal.
    """
    if _is_missing(change):
        return NOT_AVAILABLE
    number = float(change)  # type: ignore[arg-type]
    unit = (unite or "").strip()
    if unit in ("%", "points", "point", "pt", "pts"):
        return f"{fr_signed(number, 1)}{NBSP}point{'s' if abs(number) >= 2 else ''}"
    if unit == "%/an":
        return f"{fr_signed(number, 1)}{NBSP}point{'s' if abs(number) >= 2 else ''} par an"
    if unit == "€":
        return f"{fr_signed(number, 0)}{NBSP}€"
    if unit in COUNT_UNITS:
        shown = fr_signed(number, 0)
        return shown if unit in ("", "nombre", "effectif") else f"{shown}{NBSP}{unit}"
    if unit == "indice":
        return fr_signed(number, 1)
    return f"{fr_signed(number, 1)}{NBSP}{unit}"


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------


def year_key(annee: str) -> tuple[int, int, str]:
    """Sort key of a year ``"2022"`` or a period ``"2011-2022"``: the last sorts best.

    Latest end year first; among periods ending the same year, the longest one (the
    most robust comparison of census vintages, methodology rule 1).
    """
    numbers = [int(part) for part in re.findall(r"\d{4}", str(annee))]
    if not numbers:
        return (0, 0, str(annee))
    return (numbers[-1], -numbers[0], str(annee))


def _matches_year(annee: str, wanted: str) -> bool:
    """A row matches a requested year when it is that year or a period ending with it."""
    return annee == wanted or annee.endswith(f"-{wanted}")


def _select_rows(
    figures: pd.DataFrame,
    *,
    indicators: Sequence[str],
    territories: Sequence[str],
    annee: str | int | None,
) -> pd.DataFrame:
    """One row per (indicator, territory): the requested year, else the latest one."""
    frame = figures[
        figures["indicateur"].isin(list(indicators))
        & figures["territoire"].astype(str).isin(list(territories))
    ].copy()
    frame["annee"] = frame["annee"].astype(str)
    frame["territoire"] = frame["territoire"].astype(str)
    if annee is not None:
        frame = frame[frame["annee"].map(lambda a: _matches_year(a, str(annee)))]
    frame["_key"] = frame["annee"].map(year_key)
    frame = frame.sort_values("_key", kind="stable")
    return frame.drop_duplicates(["indicateur", "territoire"], keep="last").drop(columns="_key")


class _Footnotes:
    """Numbered distinct notes, in order of first use."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def mark(self, note: str) -> str:
        """Return the HTML marker of a note (registering it if new)."""
        note = " ".join(str(note).split())
        if note not in self.notes:
            self.notes.append(note)
        number = self.notes.index(note) + 1
        return f'<sup class="ctg-note-ref">{number}</sup>'

    def html(self) -> str:
        """The list of notes, empty string when there is none."""
        if not self.notes:
            return ""
        items = "".join(f"<li>{escape(note)}</li>" for note in self.notes)
        return f'<ol class="ctg-footnotes">{items}</ol>'


def _cell(row: pd.Series | None, indicator: str, notes: _Footnotes) -> str:
    """HTML of one value cell, with a note marker when the value needs explaining."""
    if row is None:
        return f'<td class="num ctg-nd">{NOT_AVAILABLE}{notes.mark(_NOT_COMPUTED_NOTE)}</td>'
    available = bool(row["disponible"]) and not _is_missing(row["valeur"])
    text = escape(
        format_value(row["valeur"], str(row["unite"]), indicateur=indicator, disponible=available)
    )
    note = "" if _is_missing_text(row.get("note")) else str(row["note"]).strip()
    if not available:
        return f'<td class="num ctg-nd">{text}{notes.mark(note or _MISSING_NOTE)}</td>'
    marker = notes.mark(note) if note else ""
    return f'<td class="num">{text}{marker}{_margin(row, indicator)}</td>'


INTERVAL_NOTE = (
    "± : demi-largeur approchée de l'intervalle de confiance à 95 % d'une estimation par "
    "sondage (exploitation complémentaire du recensement)."
)
"""Footnote of a table showing sampling margins."""


def _margin(row: pd.Series, indicator: str) -> str:
    """``± 127`` under a sampled value (half-width of its 95 % interval), else ``""``."""
    low, high = row.get("ic_bas"), row.get("ic_haut")
    if _is_missing(low) or _is_missing(high):
        return ""
    half = (float(high) - float(low)) / 2.0
    unit = str(row["unite"])
    if unit == "%" and _is_signed(indicator):  # a relative change: its margin is in %
        text = f"{fr_number(half, 1)}{NBSP}%"
    elif unit in ("%", "points", "point", "pt", "pts"):  # a share: its margin is in points
        text = f"{fr_number(half, 1)}{NBSP}pt"
    elif unit in COUNT_UNITS:
        text = fr_int(half)
    else:
        text = format_value(half, unit, indicateur=None)
    return f'<span class="ctg-margin" title="{escape(INTERVAL_NOTE)}"><br>±{NBSP}{text}</span>'


def _is_missing_text(value: object) -> bool:
    if value is None:
        return True
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return True
    return not str(value).strip()


def _sources_caption(rows: pd.DataFrame) -> str:
    sources = [s for s in dict.fromkeys(rows["source"].astype(str)) if s.strip() and s != "nan"]
    if not sources:
        return ""
    prefix = "Source" if len(sources) == 1 else "Sources"
    return f"{prefix}{NBSP}: " + " ; ".join(sources) + "."


def key_figures_html(
    figures: pd.DataFrame,
    *,
    indicators: Sequence[str],
    labels: Mapping[str, str],
    annee: str | int | None = None,
    caption: str | None = None,
) -> str:
    """HTML string of :func:`key_figures_table` (for the index page)."""
    names = {str(key): str(name) for key, name in labels.items()}
    territories = list(names)
    rows = _select_rows(figures, indicators=indicators, territories=territories, annee=annee)
    lookup = {(r["indicateur"], r["territoire"]): r for _, r in rows.iterrows()}
    notes = _Footnotes()
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in names.values())
    body = []
    for indicator in indicators:
        cells = [_cell(lookup.get((indicator, t)), indicator, notes) for t in territories]
        years = [lookup[(indicator, t)]["annee"] for t in territories if (indicator, t) in lookup]
        year_text = ", ".join(dict.fromkeys(years)) or "—"
        body.append(
            f'<tr><th scope="row">{escape(indicator_label(indicator))}</th>'
            f'<td class="ctg-year">{escape(year_text)}</td>{"".join(cells)}</tr>'
        )
    caption_text = caption if caption is not None else _sources_caption(rows)
    caption_html = f"<caption>{escape(caption_text)}</caption>" if caption_text else ""
    margins = "ic_bas" in rows.columns and bool(rows["ic_bas"].notna().any())
    margin_html = f'<p class="ctg-table-note">{escape(INTERVAL_NOTE)}</p>' if margins else ""
    return (
        f'<div class="ctg-table-block"><table class="ctg-table ctg-key-figures">'
        f'{caption_html}<thead><tr><th scope="col">Indicateur</th>'
        f'<th scope="col">Année ou période</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{margin_html}{notes.html()}</div>"
    )


def key_figures_table(
    figures: pd.DataFrame,
    *,
    indicators: Sequence[str],
    labels: Mapping[str, str],
    annee: str | int | None = None,
    caption: str | None = None,
) -> HTML:
    """Key figures: one row per indicator, one column per territory.

    Parameters
    ----------
    figures
        Long figures table (:data:`ctgstats.core.figures.FIGURE_COLUMNS`).
    indicators
        Indicator ids, in row order (labels from :data:`INDICATOR_LABELS`).
    labels
        Territory id → French name; gives the columns and their order.
    annee
        Year to show (``"2022"``); a period ending that year (``"2011-2022"``) also
        matches. ``None`` takes the latest year of each indicator and territory, and
        for periods the longest one ending that year (see :func:`year_key`).
    caption
        Caption of the table; by default the distinct sources of the values shown.

    Returns
    -------
    IPython.display.HTML
        A table whose values are formatted by unit; an unavailable value reads
        ``n.d.`` with a numbered footnote giving its reason (cautions get one too), and a
        figure missing from the table reads ``n.d.`` with "Indicateur non calculé".
    """
    return HTML(
        key_figures_html(
            figures, indicators=indicators, labels=labels, annee=annee, caption=caption
        )
    )


def definitions_table(figures: pd.DataFrame, *, indicators: Sequence[str]) -> HTML:
    """Table "Indicateur / Définition / Source" for the given indicators.

    The definition is the one of the latest year of the indicator (definitions often
    only differ by their vintage); sources are the distinct sources of every year. An
    indicator absent from the table reads "Définition non renseignée".
    """
    rows = []
    for indicator in indicators:
        subset = figures[figures["indicateur"] == indicator]
        latest = subset.assign(_key=subset["annee"].astype(str).map(year_key)).sort_values(
            "_key", kind="stable"
        )
        definitions = (
            _distinct_text(latest["definition"].iloc[::-1].head(1))
            or _distinct_text(subset["definition"])
            or "Définition non renseignée."
        )
        sources = _distinct_text(subset["source"]) or "—"
        rows.append(
            f'<tr><th scope="row">{escape(indicator_label(indicator))}</th>'
            f"<td>{escape(definitions)}</td><td>{escape(sources)}</td></tr>"
        )
    return HTML(
        '<div class="ctg-table-block"><table class="ctg-table ctg-definitions">'
        '<thead><tr><th scope="col">Indicateur</th><th scope="col">Définition</th>'
        f'<th scope="col">Source</th></tr></thead><tbody>{"".join(rows)}</tbody>'
        "</table></div>"
    )


def _distinct_text(values: pd.Series) -> str:
    texts = [str(v).strip() for v in values if not _is_missing_text(v)]
    return " ; ".join(dict.fromkeys(texts))


def simple_table(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    notes: Sequence[str] = (),
    index: bool = False,
) -> HTML:
    """Display a frame whose cells are already French text (or plain numbers).

    Text is escaped; numbers are shown with :func:`~ctgstats.present.formatting.fr_number`
    (one decimal, integers without decimals); missing values read ``n.d.``.
    """
    columns = ([frame.index.name or ""] if index else []) + [str(c) for c in frame.columns]
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = []
    for key, row in frame.iterrows():
        cells = [f'<th scope="row">{escape(str(key))}</th>'] if index else []
        cells += [_plain_cell(value) for value in row.tolist()]
        body.append(f"<tr>{''.join(cells)}</tr>")
    caption_html = f"<caption>{escape(caption)}</caption>" if caption else ""
    notes_html = "".join(f"<li>{escape(n)}</li>" for n in notes)
    notes_html = f'<ul class="ctg-footnotes">{notes_html}</ul>' if notes else ""
    return HTML(
        f'<div class="ctg-table-block"><table class="ctg-table">{caption_html}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f"{notes_html}</div>"
    )


def _plain_cell(value: object) -> str:
    if isinstance(value, bool):
        return f"<td>{'oui' if value else 'non'}</td>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _is_missing(value):
            return f'<td class="num ctg-nd">{NOT_AVAILABLE}</td>'
        decimals = 0 if float(value).is_integer() else 1
        return f'<td class="num">{fr_number(value, decimals)}</td>'
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return f'<td class="ctg-nd">{NOT_AVAILABLE}</td>'
    return f"<td>{escape(str(value))}</td>"


# --------------------------------------------------------------------------------------
# Text blocks
# --------------------------------------------------------------------------------------


def _list_box(title: str, items: Sequence[str], *, css_class: str, style: str, empty: str) -> str:
    title_html = f'<p class="ctg-box-title"><strong>{escape(title)}</strong></p>'
    if items:
        content = "<ul>" + "".join(f"<li>{escape(str(i))}</li>" for i in items) + "</ul>"
    else:
        content = f"<p>{escape(empty)}</p>"
    return (
        f'<div class="ctg-box {css_class}" role="note" style="{style}">{title_html}{content}</div>'
    )


def vigilance_box(points: Sequence[str]) -> HTML:
    """Boxed list titled "Points de vigilance"; an empty list says there is none."""
    return HTML(
        _list_box(
            "Points de vigilance",
            list(points),
            css_class="ctg-vigilance",
            style=_VIGILANCE_STYLE,
            empty="Aucun point de vigilance.",
        )
    )


def findings_list(sentences: Sequence[str]) -> HTML:
    """Boxed list titled "Constats"."""
    return HTML(
        _list_box(
            "Constats",
            list(sentences),
            css_class="ctg-findings",
            style=_FINDINGS_STYLE,
            empty="Aucun constat à signaler.",
        )
    )


def fictional_banner_html() -> str:
    """HTML string of the fictional-data banner (see :func:`fictional_banner`)."""
    return (
        f'<div class="ctg-fictional-banner" role="alert" style="{_BANNER_STYLE}">'
        f"{escape(FICTIONAL_TEXT)}</div>"
    )


def fictional_banner() -> HTML:
    """Strong banner: "Données fictives — territoire de démonstration …"."""
    return HTML(fictional_banner_html())


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|&~$])")


def markdown_title(text: str, *, level: int = 1) -> Markdown:
    """A heading built from data (e.g. the territory name), rendered as Markdown.

    Markdown headings get an ``id`` in the nbconvert export, so they appear in the table
    of contents of the HTML report. Markdown and HTML special characters are escaped.
    """
    if not 1 <= level <= 6:
        raise ValueError(f"level must be between 1 and 6, got {level}")
    clean = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return Markdown("#" * level + " " + clean)


def paragraph(text: str) -> HTML:
    """A paragraph of French text built from data (escaped)."""
    return HTML(f'<p class="ctg-paragraph">{escape(str(text))}</p>')
