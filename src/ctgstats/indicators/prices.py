"""A consumer price index supplied by the analyst, to judge incomes in constant euros.

Filosofi incomes are published in current euros: a median income rising less than prices
is a loss of purchasing power. :func:`ctgstats.indicators.evaluation.evaluate` judges an
income indicator (Filosofi, unit €) on its change in constant euros, deflated by a
consumer price index read here. ctgstats ships no index: the analyst gives one in a small
table (params key ``indicators.price_index``), ideally INSEE's annual average consumer price
index, all households, France ("Indice des prix à la consommation - Base 2015 - Ensemble
des ménages - France - Ensemble", idBank 001763852, or its base-2025 successor).

Format (CSV, ``;`` or ``,``, UTF-8 with or without BOM; lines starting with ``#`` are
comments; header names matched without case or accents)::

    # valeurs fictives : recopier celles de l'Insee
    annee;indice;source
    2016;100,0;Insee, IPC base 2015, ensemble des ménages, France, moyenne annuelle
    2019;104,0;Insee, IPC base 2015, ensemble des ménages, France, moyenne annuelle

(made-up values: copy INSEE's). ``annee`` is a year, ``indice`` a positive number
(decimal comma or point), ``source`` names the series. Every row of one table must use
the same base. Errors (:class:`PriceIndexError`) name the file, the line, the column and
the value, in French.

The change in constant euros between years ``y0`` and ``y1`` of values ``v0`` and ``v1``,
with index values ``I0`` and ``I1``, is ``(v1 / v0) / (I1 / I0) − 1``: ``v0 × I1 / I0`` is
the T0 value in euros of ``y1``.
"""

from __future__ import annotations

import csv
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ctgstats.core.errors import InputError
from ctgstats.data import tabular
from ctgstats.indicators.usertables import parse_number

__all__ = [
    "PRICE_INDEX_COLUMNS",
    "PriceIndex",
    "PriceIndexError",
    "read_price_index",
]

PRICE_INDEX_COLUMNS = ("annee", "indice", "source")
"""The columns of a price index table, in this order."""

_YEARS = (1900, 2100)


class PriceIndexError(InputError, ValueError):
    """An unreadable price index table (the message names file, line, column and value)."""


@dataclass(frozen=True)
class PriceIndex:
    """Annual values of a consumer price index, with the source of each row."""

    values: Mapping[int, float]
    sources: Mapping[int, str] = field(default_factory=dict)
    path: Path | None = None

    def __post_init__(self) -> None:
        for year, value in self.values.items():
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"price index of {year}: a positive number, got {value!r}")

    def ratio(self, start: int, end: int) -> float:
        """``I_end / I_start`` (KeyError naming the year when one is missing)."""
        return self.values[end] / self.values[start]

    def source_text(self, *years: int) -> str:
        """The distinct sources of ``years`` (all rows when none given), ``" ; "``-joined."""
        wanted = years or tuple(sorted(self.values))
        seen: list[str] = []
        for year in wanted:
            text = self.sources.get(year, "")
            if text and text not in seen:
                seen.append(text)
        return " ; ".join(seen)

    @property
    def where(self) -> str:
        """The file name, for French messages (``"indice fourni"`` without a file)."""
        return self.path.name if self.path is not None else "indice fourni"


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lstrip("\ufeff"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _year(text: str) -> int:
    value = text.strip()
    if not (value.isdigit() and len(value) == 4):
        raise ValueError("année illisible : écrire l'année sur 4 chiffres (ex. 2019)")
    year = int(value)
    if not _YEARS[0] <= year <= _YEARS[1]:
        raise ValueError(f"année hors de la plage admise ({_YEARS[0]}-{_YEARS[1]})")
    return year


def read_price_index(path: Path | str) -> PriceIndex:
    """Read and validate a price index table ``annee;indice;source``.

    Parameters
    ----------
    path
        The CSV file (see the module docstring for its format).

    Returns
    -------
    PriceIndex
        One value per year, with its source.

    Raises
    ------
    PriceIndexError
        Missing or non-UTF-8 file, wrong header, unreadable or duplicate year, index not a
        positive number, empty source, no row: every problem is listed with its line
        (physical line of the file), column and value.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PriceIndexError(
            f"indicators.price_index : {path} introuvable (table annee;indice;source de "
            "l'indice des prix à la consommation)"
        ) from None
    decoded = tabular.decode(raw)
    if not decoded.is_utf8:
        raise PriceIndexError(
            f"{path} : ligne {decoded.bad_line} : le fichier n'est pas encodé en UTF-8 "
            f"(octet {decoded.bad_byte:#04x}) ; l'enregistrer en « CSV UTF-8 »"
        )
    lines = [
        (number, line)
        for number, line in enumerate(decoded.text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    expected = ";".join(PRICE_INDEX_COLUMNS)
    if not lines:
        raise PriceIndexError(f"{path} : fichier vide ; en-tête attendu « {expected} »")
    header_line, header_text = lines[0]
    separator = tabular.header_separator(header_text, default=";")
    header = [_plain(cell) for cell in next(csv.reader([header_text], delimiter=separator))]
    if header != list(PRICE_INDEX_COLUMNS):
        missing = [c for c in PRICE_INDEX_COLUMNS if c not in header]
        extra = [c for c in header if c not in PRICE_INDEX_COLUMNS]
        details = []
        if missing:
            details.append(f"colonne(s) manquante(s) : {', '.join(missing)}")
        if extra:
            details.append(f"colonne(s) inconnue(s) : {', '.join(extra)}")
        if not details:
            details.append("colonnes dans le désordre")
        raise PriceIndexError(
            f"{path} : ligne {header_line} : en-tête attendu « {expected} » (reçu "
            f"« {header_text.strip()} ») ; {' ; '.join(details)}"
        )
    values: dict[int, float] = {}
    sources: dict[int, str] = {}
    first_line: dict[int, int] = {}
    problems: list[str] = []

    def problem(line: int, column: str, value: str, message: str) -> None:
        shown = value or "(vide)"
        problems.append(f"ligne {line}, colonne « {column} », valeur « {shown} » : {message}")

    for number, text in lines[1:]:
        cells = next(csv.reader([text], delimiter=separator))
        if len(cells) != len(PRICE_INDEX_COLUMNS):
            problems.append(
                f"ligne {number} : {len(cells)} cellule(s) pour {len(PRICE_INDEX_COLUMNS)} "
                f"colonnes ({expected}) ; vérifier le séparateur « {separator} »"
            )
            continue
        year_text, index_text, source = (cell.strip() for cell in cells)
        try:
            year: int | None = _year(year_text)
        except ValueError as error:
            problem(number, "annee", year_text, str(error))
            year = None
        try:
            index = parse_number(index_text) if index_text else math.nan
            if not index_text:
                raise ValueError("indice manquant")
            if not index > 0:
                raise ValueError("un indice des prix est un nombre strictement positif")
        except ValueError as error:
            problem(number, "indice", index_text, str(error))
            continue
        if not source:
            problem(
                number,
                "source",
                source,
                "source manquante : nommer la série (ex. Insee, IPC, ensemble des ménages, "
                "France, moyenne annuelle, idBank …)",
            )
            continue
        if year is None:
            continue
        if year in values:
            problem(number, "annee", year_text, f"année déjà donnée à la ligne {first_line[year]}")
            continue
        values[year], sources[year], first_line[year] = index, source, number
    if problems:
        raise PriceIndexError(
            f"{path} : {len(problems)} problème(s) dans la table de l'indice des prix :\n  - "
            + "\n  - ".join(problems)
        )
    if not values:
        raise PriceIndexError(f"{path} : aucune ligne de données sous l'en-tête « {expected} »")
    return PriceIndex(values=values, sources=sources, path=path)
