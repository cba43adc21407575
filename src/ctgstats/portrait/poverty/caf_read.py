"""Read the Cnaf's open data on benefits (data.caf.fr): foyers allocataires by benefit.

Two layouts exist, both recognised by their columns (never by their position):

* **the older data.caf.fr files** (2009–2020, one file per benefit and level, ``;``):
  code ``Codes_Insee`` (communes, with ``Communes`` for the name), ``NUMEPCI`` (EPCI SIREN,
  with ``NOMEPCI`` and ``DEPSEPCI``) or ``NUMDEP``; date ``DTREF`` (December of year N);
  counts ``NB_Allocataires`` (foyers allocataires) and ``NB_Pers_par_Foyer_Alloc``
  (personnes couvertes), or the per-benefit ``ALL_<PRESTATION>`` columns. Names from the
  Cnaf's *lisez-moi* files (``lisezmoiNIVTOTALEPCI.txt``: ``NOMEPCI``, ``NUMEPCI``,
  ``DEPSEPCI``, ``DTREF``, ``NB_Pers_par_Foyer_Alloc``, ``NB_Enfants``); ``Codes_Insee``,
  ``NB_Allocataires`` and the ``ALL_`` columns are not confirmed by a real extract here.
* **the current Cafdata portal** (data.caf.fr since 2023, series from December 2020, one
  dataset per benefit and level, « [Communal] », « [EPCI] », « [Départemental] »,
  « [National] »): year ``annee`` or ``Date référence``; code ``numcom`` / ``numepci`` /
  ``numdep`` (or the labels ``Numéro commune`` …, as in the early-childhood files of the
  same portal); counts ``nb_foyers`` / « Nombre de foyers allocataires » and ``nb_pers`` /
  « Nombre de personnes couvertes »; a dataset may break the counts down by a category
  (type of RSA, age of the referent …): the categories are summed. **Counts are rounded
  to 5** (7 → 5, 12 → 10; the portal's description), so a sum of communes is not the
  département's total. These field names follow the portal's conventions but were not
  confirmed on a real export.

Neither portal gives a stable file name: ctgstats recognises an export saved as
``caf_<prestation>_<niveau>[_<année>].csv`` (``prestation``: ``allocataires``, ``rsa``,
``prime_activite``, ``aah``, ``aides_logement``, ``af``, ``asf``, ``paje``,
``bas_revenus``; ``niveau``: ``com``, ``epci``, ``dep``, ``nat``), see the README. A blank
cell is a count the Cnaf did not publish (secret): never read as zero.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ctgstats.core.errors import InputError
from ctgstats.data.catalog import Catalog
from ctgstats.data.sources import FoundFile

__all__ = ["BENEFITS", "LEVELS", "SOURCE", "CafFileError", "benefit_tables", "read_file"]

SOURCE = "caf_prestations"

BENEFITS: dict[str, str] = {
    "allocataires": "au moins une prestation",
    "rsa": "revenu de solidarité active (RSA)",
    "prime_activite": "prime d'activité",
    "aah": "allocation aux adultes handicapés (AAH)",
    "aides_logement": "aide au logement (APL, ALF, ALS)",
    "af": "allocations familiales (AF)",
    "asf": "allocation de soutien familial (ASF)",
    "paje": "prestation d'accueil du jeune enfant (Paje)",
    "bas_revenus": "foyers allocataires à bas revenus",
}
"""Benefits, by the tag of their file names, and their French names."""

LEVELS: tuple[str, ...] = ("COM", "EPCI", "DEP", "NAT")

_CODES = {
    "COM": ("codes_insee", "numcom", "numero commune", "code commune"),
    "EPCI": ("numepci", "numero epci", "code epci"),
    "DEP": ("numdep", "numero departement", "code departement"),
    "NAT": ("national", "france"),
}
_YEARS = ("dtref", "annee", "date reference")
_OLD_TAGS = {
    "rsa": "RSA",
    "prime_activite": "PPA",
    "aah": "AAH",
    "aides_logement": "AL",
    "af": "AF",
    "asf": "ASF",
    "paje": "PAJE",
    "bas_revenus": "BAS_REVENUS",
}


def _foyers_names(benefit: str) -> tuple[str, ...]:
    tag = _OLD_TAGS.get(benefit)
    own = (f"all_{tag.lower()}", f"nb_alloc_{tag.lower()}") if tag else ()
    return (
        *own,
        "nb_allocataires",
        "nb_foyers",
        "nombre de foyers allocataires",
        "foyers allocataires",
        "nombre de foyers",
    )


_PERSONNES = (
    "nb_pers_par_foyer_alloc",
    "nb_pers",
    "nombre de personnes couvertes",
    "personnes couvertes",
)
_IGNORED = ("communes", "nomcom", "nomepci", "nomdep", "depsepci", "nb_enfants", "montant")


class CafFileError(InputError, ValueError):
    """A Cnaf benefits file whose columns or values cannot be read."""


@dataclass(frozen=True)
class _Columns:
    code: str | None
    year: str
    foyers: str
    personnes: str | None
    categories: tuple[str, ...]
    layout: str


def _normalise(name: object) -> str:
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", " ", text.lower()).strip()


def _find(columns: Sequence[str], names: Sequence[str]) -> str | None:
    by_name = {_normalise(c): c for c in columns}
    return next((by_name[_normalise(n)] for n in names if _normalise(n) in by_name), None)


def _columns(frame: pd.DataFrame, *, name: str, level: str, benefit: str) -> _Columns:
    columns = [str(c) for c in frame.columns]
    code = _find(columns, _CODES[level])
    year = _find(columns, _YEARS)
    foyers = _find(columns, _foyers_names(benefit))
    missing = [
        label
        for label, found in (
            ("code du territoire (Codes_Insee, numcom, numepci ou numdep)", code or level == "NAT"),
            ("année (DTREF, annee ou Date référence)", year),
            ("foyers allocataires (NB_Allocataires, ALL_…, nb_foyers …)", foyers),
        )
        if not found
    ]
    if missing or year is None or foyers is None:
        raise CafFileError(
            f"{name} : colonnes manquantes pour un fichier de la Cnaf "
            f"({BENEFITS[benefit]}, niveau {level}) : {' ; '.join(missing)}. "
            f"Colonnes lues : {', '.join(columns)}"
        )
    personnes = _find(columns, _PERSONNES)
    used = {code, year, foyers, personnes}
    ignored = {_normalise(n) for n in _IGNORED}
    categories = tuple(
        c
        for c in columns
        if c not in used
        and _normalise(c) not in ignored
        and not pd.api.types.is_numeric_dtype(frame[c])
    )
    layout = "ancien" if _normalise(year) == "dtref" else "cafdata"
    return _Columns(code, year, foyers, personnes, categories, layout)


def _years(values: pd.Series, *, name: str, column: str) -> pd.Series:
    """Year of each row: ``31/12/2019``, ``2019-12-31``, ``201912`` or ``2019``."""
    text = values.astype("string").str.strip().str.removesuffix(".0")
    year = text.str.extract(r"(?:^|\D)((?:19|20)\d{2})(?:\D|$|\d{2}$)", expand=False)
    bad = year.isna()
    if bad.any():
        raise CafFileError(
            f"{name} : année illisible dans la colonne {column!r} ({text[bad].iloc[0]!r})"
        )
    return year.astype(int)


def _counts(values: pd.Series, *, name: str, column: str, codes: pd.Series) -> pd.Series:
    """Counts: blank → NaN (not published); a non-number or a negative count is an error."""
    text = values.astype("string").str.strip().str.replace("\u202f", "", regex=False)
    text = text.str.replace(" ", "", regex=False).str.replace(",", ".", regex=False)
    text = text.mask(text.isin(["", "nan", "<NA>"]))
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna() & text.notna()
    if bad.any():
        where = bad[bad].index[0]
        raise CafFileError(
            f"{name} : valeur non numérique {text[where]!r} dans la colonne {column!r} "
            f"(territoire {codes[where]})"
        )
    negative = numbers < 0
    if negative.any():
        where = negative[negative].index[0]
        raise CafFileError(
            f"{name} : effectif négatif ({numbers[where]:g}) dans la colonne {column!r} "
            f"(territoire {codes[where]}) : un nombre de foyers n'est jamais négatif"
        )
    return numbers.astype(float)


def _codes(values: pd.Series, level: str) -> pd.Series:
    codes = values.astype("string").str.strip().str.removesuffix(".0")
    width = {"COM": 5, "DEP": 2}.get(level)
    if width:
        codes = codes.where(codes.str.len() >= width, codes.str.zfill(width))
    return codes.astype(str)


def read_file(catalog: Catalog, found: FoundFile) -> pd.DataFrame:
    """One Cnaf benefits file as a long table.

    Returns
    -------
    pandas.DataFrame
        ``niveau``, ``code``, ``annee`` (int), ``prestation``, ``foyers``, ``personnes``
        (NaN: not published or absent), ``disposition`` (``ancien`` or ``cafdata``: counts
        rounded to 5) and ``fichier``; categories summed (NaN when one is not published).
    """
    level, benefit = str(found.level or "").upper().split(":")
    benefit = benefit.lower()
    frame = catalog.read(found)
    name = found.path.name
    if frame.empty:
        raise CafFileError(f"{name} : le fichier de la Cnaf ne contient aucune ligne")
    cols = _columns(frame, name=name, level=level, benefit=benefit)
    codes = (
        _codes(frame[cols.code], level)
        if cols.code
        else pd.Series("France", index=frame.index, dtype=str)
    )
    table = pd.DataFrame(
        {
            "code": codes,
            "annee": _years(frame[cols.year], name=name, column=cols.year),
            "foyers": _counts(frame[cols.foyers], name=name, column=cols.foyers, codes=codes),
            "personnes": (
                _counts(frame[cols.personnes], name=name, column=cols.personnes, codes=codes)
                if cols.personnes
                else float("nan")
            ),
        }
    )
    grouped = table.groupby(["code", "annee"], sort=True)[["foyers", "personnes"]]
    complete = grouped.count().eq(grouped.size(), axis=0)
    summed = grouped.sum(min_count=1).where(complete).reset_index()
    summed.insert(0, "niveau", level)
    summed["prestation"] = benefit
    summed["disposition"] = cols.layout
    summed["fichier"] = name
    return summed


def benefit_tables(catalog: Catalog) -> pd.DataFrame:
    """Every Cnaf benefits file found, stacked (see :func:`read_file`).

    A (level, code, year, benefit) found in two files keeps the most recent file's row
    (files sorted by vintage, newest first).
    """
    files = sorted(catalog.files(SOURCE), key=lambda f: (-f.vintage, str(f.path)))
    parts = [read_file(catalog, found) for found in files]
    if not parts:
        return pd.DataFrame(
            columns=[
                "niveau",
                "code",
                "annee",
                "foyers",
                "personnes",
                "prestation",
                "disposition",
                "fichier",
            ]
        )
    stacked = pd.concat(parts, ignore_index=True)
    keys = ["niveau", "code", "annee", "prestation"]
    return stacked.drop_duplicates(subset=keys, keep="first").reset_index(drop=True)
