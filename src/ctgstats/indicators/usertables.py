"""The analyst's local data tables (CAF, PMI, services' activity) in the ctgstats template.

Template (``ctgstats/data/modele_table_indicateurs.csv``, documented in
``docs/table_indicateurs.md``): one row per (indicator, territory, year), columns

``indicateur``
    Registry id of a ``user_table`` indicator (e.g. ``allocataires_caf``).
``code``
    Territory code, read as text: commune ``"00001"``, EPCI SIREN, département …
``niveau``
    ``commune``, ``epci``, ``departement``, ``region`` or ``france``.
``periode``
    A year ``2022``, a date ``2022-12-31`` (or ``31/12/2022``), or a period ``2022-2023``
    (school year …), counted in its END year (2023).
``valeur``
    The value, decimal point or decimal comma (spaces as thousands separators allowed).
``numerateur``, ``denominateur``
    Optional, both or neither; when given, ``valeur`` must equal
    ``numerateur / denominateur × scale`` (the indicator's ``formula.scale``) within 0.5 %,
    or may be left blank and is then computed.
``source``
    Free text, e.g. ``CAF, données au 31/12``.
``commentaire``
    Optional free text (not used in computations).

CSV (``,`` or ``;``, UTF-8 with or without BOM) or XLSX (first sheet, header on row 1).
Header names are matched without case or accents (``Période`` is ``periode``); other
columns are ignored. Everything is read as text: codes keep their leading zeros.

:func:`read_user_table` is strict by default: any bad row raises :class:`UserTableError`
listing every problem with its line number (header = line 1), column, value and how to fix
it. With ``strict=False`` the problems are returned in :attr:`UserTable.problems` and only
the good rows are kept (the caller reports the others).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from ctgstats.core.codes import CODE_SHAPES, Level, is_valid_code
from ctgstats.core.errors import InputError
from ctgstats.data import tabular
from ctgstats.data.registry import Registry

__all__ = [
    "LEVELS",
    "OPTIONAL_COLUMNS",
    "PROBLEM_COLUMNS",
    "REQUIRED_COLUMNS",
    "TEMPLATE_COLUMNS",
    "TEMPLATE_PATH",
    "TOLERANCE",
    "VALUE_COLUMNS",
    "UserTable",
    "UserTableError",
    "parse_number",
    "parse_period",
    "read_user_table",
]

TEMPLATE_PATH = Path(__file__).resolve().parents[1] / "data" / "modele_table_indicateurs.csv"
"""The documented template shipped with ctgstats."""

TEMPLATE_COLUMNS = [
    "indicateur",
    "code",
    "niveau",
    "periode",
    "valeur",
    "numerateur",
    "denominateur",
    "source",
    "commentaire",
]
REQUIRED_COLUMNS = ["indicateur", "code", "niveau", "periode", "valeur", "source"]
OPTIONAL_COLUMNS = ["numerateur", "denominateur", "commentaire"]
VALUE_COLUMNS = [
    "indicateur",
    "niveau",
    "code",
    "annee",
    "valeur",
    "numerateur",
    "denominateur",
    "source",
    "fichier",
    "ligne",
]
PROBLEM_COLUMNS = ["ligne", "colonne", "valeur", "probleme"]

LEVELS = ("commune", "epci", "departement", "region", "france")
"""Levels a user table may give (a ``groupe`` of communes is summed from its communes)."""

TOLERANCE = 0.005
"""Relative tolerance between ``valeur`` and ``numerateur / denominateur × scale``."""

YEAR_RANGE = (1990, 2100)
_MAX_LISTED = 50
_KEY_COLUMNS = "indicateur, niveau, code, periode"


class UserTableError(InputError, ValueError):
    """A user table with bad rows; :attr:`problems` lists them (ligne, colonne, valeur …)."""

    def __init__(self, message: str, problems: pd.DataFrame | None = None) -> None:
        super().__init__(message)
        self.problems = problems if problems is not None else _problem_frame([])


@dataclass(frozen=True)
class UserTable:
    """The good rows of a user table and the problems found in the others."""

    path: Path
    values: pd.DataFrame
    problems: pd.DataFrame

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return self.problems.empty


# --------------------------------------------------------------------------- parsing


def _plain(text: str) -> str:
    """Lower case, no accents, no surrounding spaces: ``' Période ' -> 'periode'``."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lstrip("\ufeff"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def parse_number(text: str) -> float:
    """Parse a number written with a decimal point or a decimal comma.

    Spaces (also non-breaking) are thousands separators: ``"1 148,5" -> 1148.5``.

    Raises
    ------
    ValueError
        With a French explanation (ambiguous separators, percent sign, not a number).
    """
    compact = _SPACES.sub("", text).replace("\u2212", "-")
    if compact.endswith("%"):
        raise ValueError("écrire le nombre sans le symbole % (ex. 17,9)")
    if "," in compact and "." in compact:
        raise ValueError(
            "séparateurs ambigus (virgule et point) : écrire le nombre sans "
            "séparateur de milliers, avec une virgule ou un point décimal "
            "(ex. 1234,5)"
        )
    if compact.count(",") > 1:
        raise ValueError(
            "plusieurs virgules : écrire le nombre sans séparateur de milliers (ex. 1234,5)"
        )
    compact = compact.replace(",", ".")
    if not _NUMBER.fullmatch(compact):
        raise ValueError(
            "nombre illisible : écrire un nombre (ex. 1234 ou 17,96), sans texte ni unité"
        )
    value = float(compact)
    if not math.isfinite(value):
        raise ValueError("nombre illisible")
    return value


_YEAR = re.compile(r"^(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?)?$")
_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_RANGE = re.compile(r"^(\d{4})\s*[-/–]\s*(\d{4}|\d{2})$")


def _check_year(year: int) -> int:
    low, high = YEAR_RANGE
    if not low <= year <= high:
        raise ValueError(f"année {year} hors de la plage admise ({low}-{high})")
    return year


def parse_period(text: str) -> int:
    """Year of a ``periode`` cell: ``2022``, ``2022-12-31``, ``31/12/2022``, ``2022-2023``.

    A period ``2022-2023`` (or ``2022-23``, ``2022/2023``) counts in its END year (2023).

    Raises
    ------
    ValueError
        With a French explanation when the text is not a year, a date or a period.
    """
    value = text.strip()
    if match := _YEAR.fullmatch(value):
        return _check_year(int(match.group(1)))
    if match := _ISO_DATE.fullmatch(value):
        year, month, day = (int(g) for g in match.groups())
        try:
            date(year, month, day)
        except ValueError:
            raise ValueError("date impossible (attendu AAAA-MM-JJ, ex. 2022-12-31)") from None
        return _check_year(year)
    if match := _FR_DATE.fullmatch(value):
        day, month, year = (int(g) for g in match.groups())
        try:
            date(year, month, day)
        except ValueError:
            raise ValueError("date impossible (attendu JJ/MM/AAAA, ex. 31/12/2022)") from None
        return _check_year(year)
    if match := _RANGE.fullmatch(value):
        start, end_text = int(match.group(1)), match.group(2)
        end = int(end_text) if len(end_text) == 4 else start - start % 100 + int(end_text)
        if len(end_text) == 2 and end != start + 1:
            raise ValueError("période AAAA-AA dont la fin ne suit pas le début (ex. 2022-23)")
        if end <= start:
            raise ValueError("période dont la fin ne suit pas le début (ex. 2022-2023)")
        _check_year(start)
        return _check_year(end)
    raise ValueError(
        "période illisible : écrire une année (2022), une date (2022-12-31) ou "
        "une période (2022-2023, comptée en 2023)"
    )


# --------------------------------------------------------------------------- reading


@dataclass
class _Raw:
    """Cells of a table as text, with the file line of each row."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    numeric_codes: set[int]  # lines whose code cell was a number in a workbook
    overflow: dict[int, str]  # line -> first non-empty cell beyond the header


def _problem_frame(problems: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(problems, columns=PROBLEM_COLUMNS)
    frame["ligne"] = frame["ligne"].astype("int64")
    for column in ("colonne", "valeur", "probleme"):
        frame[column] = frame[column].astype("str")
    return frame


def _decode(path: Path, raw: bytes) -> tabular.Decoded:
    decoded = tabular.decode(raw)
    if not decoded.is_utf8:
        raise UserTableError(
            f"{path} : ligne {decoded.bad_line} : le fichier n'est pas encodé en UTF-8 (octet "
            f"{decoded.bad_byte:#04x}) ; l'enregistrer en « CSV UTF-8 » (Excel : Enregistrer "
            "sous > CSV UTF-8) ou en .xlsx"
        )
    return decoded


_HEADER_FIRST = "la première ligne doit être l'en-tête (indicateur, code, niveau …)"


def _read_csv(path: Path) -> _Raw:
    decoded = _decode(path, path.read_bytes())
    try:
        table = tabular.read_delimited(path, text=decoded)
    except tabular.TabularError as error:
        if error.line is None:
            raise UserTableError(
                f"{path} : fichier vide ; la première ligne doit être l'en-tête "
                f"({', '.join(TEMPLATE_COLUMNS)})"
            ) from None
        raise UserTableError(str(error)) from None
    if table.header_line != 1:
        raise UserTableError(f"{path} : ligne 1 : {_HEADER_FIRST}")
    return _Raw(table.header, table.rows, table.lines, set(), table.overflow)


def _read_xlsx(path: Path) -> _Raw:
    try:
        table = tabular.read_xlsx(path, keep_raw=True)
    except tabular.TabularError as error:
        raise UserTableError(str(error)) from None
    if table.header_line != 1:
        raise UserTableError(f"{path} : ligne 1 de la feuille « {table.sheet} » : {_HEADER_FIRST}")
    code_index = next((i for i, h in enumerate(table.header) if _plain(h) == "code"), None)
    numeric = set()
    if code_index is not None:
        for line, cells in zip(table.lines, table.raw, strict=True):
            value = cells[code_index]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                numeric.add(line)
    return _Raw(table.header, table.rows, table.lines, numeric, table.overflow)


def _columns(path: Path, header: list[str]) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Position of each template column; problems with the header (line 1)."""
    positions: dict[str, int] = {}
    problems = []
    names = [_plain(h) for h in header]
    for index, name in enumerate(names):
        if name in TEMPLATE_COLUMNS:
            if name in positions:
                raise UserTableError(
                    f"{path} : ligne 1 : la colonne « {header[index]} » "
                    "figure deux fois dans l'en-tête"
                )
            positions[name] = index
    unknown = [n for n in names if n and n not in TEMPLATE_COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        hints = []
        for column in missing:
            close = difflib.get_close_matches(column, unknown, n=1, cutoff=0.7)
            hints.append(f"« {column} »" + (f" (« {close[0]} » ?)" if close else ""))
        raise UserTableError(
            f"{path} : ligne 1 : colonne(s) obligatoire(s) absente(s) de l'en-tête : "
            f"{', '.join(hints)} ; en-tête attendu : {','.join(TEMPLATE_COLUMNS)} "
            f"(modèle : ctgstats/data/modele_table_indicateurs.csv)"
        )
    for name in unknown:
        close = difflib.get_close_matches(
            name, [c for c in OPTIONAL_COLUMNS if c not in positions], n=1, cutoff=0.7
        )
        if close:
            problems.append(
                {
                    "ligne": 1,
                    "colonne": name,
                    "valeur": name,
                    "probleme": f"colonne inconnue, ignorée : vouliez-vous dire « {close[0]} » ?",
                }
            )
    return positions, problems


def _code_hint(level: Level, code: str, numeric: bool) -> str:
    hint = ""
    width = {Level.COMMUNE: 5, Level.EPCI: 9, Level.DEPARTEMENT: 2}.get(level)
    if width and code.isdigit() and len(code) < width:
        hint = f" ; zéro initial perdu ? (« {code.zfill(width)} »)"
    if numeric:
        hint += (
            " ; la cellule du classeur est un nombre : saisir le code comme du texte "
            "(format de cellule « Texte »)"
        )
    return hint


def _row_problems(
    cells: dict[str, str], *, line: int, registry: Registry, numeric_code: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Parsed fields of one row and its problems (empty list when the row is good)."""
    problems: list[dict[str, Any]] = []

    def problem(column: str, message: str) -> None:
        problems.append(
            {"ligne": line, "colonne": column, "valeur": cells.get(column, ""), "probleme": message}
        )

    parsed: dict[str, Any] = {}
    indicator_id = cells["indicateur"].strip()
    indicator = None
    if not indicator_id:
        problem(
            "indicateur",
            "indicateur manquant : écrire l'identifiant du registre (ex. allocataires_caf)",
        )
    elif indicator_id not in registry:
        close = registry.close_matches(indicator_id)
        hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
        problem(
            "indicateur",
            f"indicateur inconnu du registre{hint} (pour un nouvel "
            "indicateur, l'ajouter dans un registre YAML déclaré dans "
            "indicators.registry)",
        )
    else:
        indicator = registry.get(indicator_id)
        if indicator.source.kind != "user_table":
            problem(
                "indicateur",
                f"l'indicateur « {indicator_id} » est calculé par ctgstats "
                f"({indicator.source.name}) : il ne se saisit pas dans une "
                "table locale",
            )
            indicator = None
    parsed["indicateur"] = indicator_id

    level_text = _plain(cells["niveau"])
    level = None
    if level_text not in LEVELS:
        problem(
            "niveau",
            f"niveau {'manquant' if not level_text else 'inconnu'} : écrire "
            f"{', '.join(LEVELS[:-1])} ou {LEVELS[-1]}",
        )
    else:
        level = Level(level_text)
    parsed["niveau"] = level_text

    code = cells["code"].strip()
    if not code:
        problem("code", "code manquant : écrire le code officiel du territoire (texte)")
    elif level is not None and not is_valid_code(level, code):
        problem(
            "code",
            f"code mal formé pour le niveau {level.value} (attendu : "
            f"{CODE_SHAPES[level]}){_code_hint(level, code, numeric_code)}",
        )
    parsed["code"] = code

    try:
        parsed["annee"] = parse_period(cells["periode"]) if cells["periode"].strip() else None
        if parsed["annee"] is None:
            problem(
                "periode",
                "période manquante : écrire une année (2022), une date "
                "(2022-12-31) ou une période (2022-2023)",
            )
    except ValueError as error:
        parsed["annee"] = None
        problem("periode", str(error))

    numbers: dict[str, float | None] = {}
    for column in ("valeur", "numerateur", "denominateur"):
        text = cells.get(column, "").strip()
        numbers[column] = None
        if text:
            try:
                numbers[column] = parse_number(text)
            except ValueError as error:
                problem(column, str(error))
    value, numerator, denominator = (
        numbers["valeur"],
        numbers["numerateur"],
        numbers["denominateur"],
    )
    given = {c: bool(cells.get(c, "").strip()) for c in ("valeur", "numerateur", "denominateur")}
    if given["numerateur"] != given["denominateur"]:
        alone, other = (
            ("numerateur", "denominateur")
            if given["numerateur"]
            else ("denominateur", "numerateur")
        )
        problem(alone, f"{alone} sans {other} : donner les deux, ou aucun des deux")
    elif numerator is not None and denominator is not None:
        scale = indicator.formula.scale if indicator is not None else None
        if denominator == 0:
            problem("denominateur", "dénominateur nul : le rapport n'est pas défini")
        elif scale is not None:
            expected = numerator / denominator * scale
            shown = f"{expected:.6g}".replace(".", ",")
            if value is None and not given["valeur"]:
                value = expected
            elif value is not None and abs(value - expected) > TOLERANCE * abs(expected) + 1e-12:
                problem(
                    "valeur",
                    f"valeur incohérente avec numerateur / denominateur × "
                    f"{scale:g} = {shown} (écart de plus de 0,5 %) : "
                    "corriger la valeur, le numérateur ou le dénominateur",
                )
    if not given["valeur"] and not (given["numerateur"] and given["denominateur"]):
        problem(
            "valeur",
            "valeur manquante : écrire la valeur, ou le numérateur et le "
            "dénominateur (une donnée secrète ou inconnue ne se saisit pas : "
            "supprimer la ligne)",
        )
    parsed.update(valeur=value, numerateur=numerator, denominateur=denominator)

    source = cells["source"].strip()
    if not source:
        problem(
            "source",
            "source manquante : indiquer l'origine de la donnée (ex. « CAF, données au 31/12 »)",
        )
    parsed["source"] = source
    return parsed, problems


def _duplicate_problems(parsed: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    by_key: dict[tuple[Any, ...], list[int]] = {}
    for line, fields in parsed:
        key = (fields["indicateur"], fields["niveau"], fields["code"], fields["annee"])
        by_key.setdefault(key, []).append(line)
    problems = []
    for key, lines in by_key.items():
        if len(lines) < 2:
            continue
        for line in lines:
            others = ", ".join(str(x) for x in lines if x != line)
            problems.append(
                {
                    "ligne": line,
                    "colonne": _KEY_COLUMNS,
                    "valeur": f"{key[0]} | {key[1]} | {key[2]} | {key[3]}",
                    "probleme": f"doublon : même indicateur, niveau, code et année ({key[3]}) "
                    f"qu'à la ligne {others} ; ne garder qu'une valeur par année "
                    "(une période 2022-2023 compte pour 2023)",
                }
            )
    return problems


def _message(path: Path, problems: pd.DataFrame) -> str:
    lines = [
        (f"{path} : {len(problems)} problème(s) dans la table d'indicateurs (ligne 1 = en-tête) :")
    ]
    for row in problems.head(_MAX_LISTED).itertuples():
        lines.append(
            f"  - ligne {row.ligne}, colonne « {row.colonne} », valeur "
            f"« {row.valeur} » : {row.probleme}"
        )
    if len(problems) > _MAX_LISTED:
        lines.append(f"  … et {len(problems) - _MAX_LISTED} autre(s) problème(s)")
    lines.append(
        "Corriger ces lignes (modèle et règles : docs/table_indicateurs.md), ou lire "
        "la table en mode non strict pour écarter les lignes invalides et les signaler."
    )
    return "\n".join(lines)


def _value_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=VALUE_COLUMNS)
    for column in ("indicateur", "niveau", "code", "source", "fichier"):
        frame[column] = frame[column].astype("str")
    frame["annee"] = frame["annee"].astype("int64")
    frame["ligne"] = frame["ligne"].astype("int64")
    for column in ("valeur", "numerateur", "denominateur"):
        frame[column] = frame[column].astype("float64")
    return frame


def read_user_table(path: Path | str, *, registry: Registry, strict: bool = True) -> UserTable:
    """Read a local data table in the ctgstats template.

    Parameters
    ----------
    path
        A ``.csv`` (or ``.txt``) file, ``,`` or ``;`` separated, UTF-8 with or without BOM,
        or a ``.xlsx`` workbook (first sheet, header on row 1).
    registry
        The indicator registry: ids are checked against it, and ``formula.scale`` gives the
        consistency check of ``valeur`` with ``numerateur / denominateur``.
    strict
        Raise on any problem (default). When False, return the problems and keep only the
        good rows.

    Returns
    -------
    UserTable
        ``values`` (:data:`VALUE_COLUMNS`: ``annee`` an int, ``valeur``, ``numerateur``,
        ``denominateur`` floats, codes as strings, ``fichier`` the file name, ``ligne`` the
        file line) and ``problems`` (:data:`PROBLEM_COLUMNS`, French).

    Raises
    ------
    UserTableError
        Unreadable file or header (always); any bad row when ``strict`` (every problem
        listed with its line, column and value, in :attr:`UserTableError.problems` too).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UserTableError(f"{path} : fichier introuvable")
    if suffix in (".csv", ".txt"):
        raw = _read_csv(path)
    elif suffix == ".xlsx":
        raw = _read_xlsx(path)
    else:
        raise UserTableError(
            f"{path} : format « {suffix or '(sans extension)'} » non pris "
            "en charge : enregistrer la table en .csv (UTF-8) ou en .xlsx"
        )
    positions, problems = _columns(path, raw.header)
    parsed: list[tuple[int, dict[str, Any]]] = []
    bad_lines: set[int] = set()
    for cells, line in zip(raw.rows, raw.lines, strict=True):
        named = {column: cells[index] for column, index in positions.items()}
        fields, row_problems = _row_problems(
            named, line=line, registry=registry, numeric_code=line in raw.numeric_codes
        )
        if line in raw.overflow:
            row_problems.append(
                {
                    "ligne": line,
                    "colonne": "(au-delà de l'en-tête)",
                    "valeur": raw.overflow[line],
                    "probleme": "valeur au-delà de la dernière colonne de l'en-tête : une virgule "
                    "décimale dans un fichier séparé par des virgules ? Mettre la "
                    "valeur entre guillemets, ou séparer les colonnes par « ; »",
                }
            )
        problems.extend(row_problems)
        if row_problems:
            bad_lines.add(line)
        elif fields["annee"] is not None:
            parsed.append((line, fields))
    duplicates = _duplicate_problems(parsed)
    problems.extend(duplicates)
    bad_lines.update(p["ligne"] for p in duplicates)
    problem_frame = _problem_frame(sorted(problems, key=lambda p: p["ligne"]))
    if strict and not problem_frame.empty:
        raise UserTableError(_message(path, problem_frame), problem_frame)
    rows = [
        {**fields, "fichier": path.name, "ligne": line}
        for line, fields in parsed
        if line not in bad_lines
    ]
    return UserTable(path=path, values=_value_frame(rows), problems=problem_frame)
