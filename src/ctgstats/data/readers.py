"""Parse INSEE tables in every format INSEE distributes them.

INSEE publishes the same table as a CSV (``;`` or ``,`` separated, UTF-8 with or
without BOM, LF or CRLF, decimal point or decimal comma), as the same CSV inside a
``.zip`` next to ``meta_*`` documentation members, or as an ``.xlsx`` workbook with
title lines above the header. :func:`read_table` reads all of them into one typed
:class:`pandas.DataFrame`:

* code and label columns (:data:`STRING_COLUMNS`, and any column whose values are not
  all numeric) stay strings: ``"01001"`` never becomes ``1001``;
* so does a column, outside the numeric families, with a zero-padded value such as
  ``007`` or ``01004`` (an unlisted code column: ``BV2022``, ``AAV2020``…);
* every other column is ``float64``; an empty cell (or a secrecy mark, see
  :data:`MISSING_MARKERS`) is ``NaN`` — "secret / not published", never ``0``;
* the decimal mark is detected once per file (Filosofi writes ``14789,6`` and
  ``3,400`` meaning 3.4); thousands separators are never accepted: ``2 361`` is refused,
  and so are census counts whose only "decimals" look like thousands groups (``2,361``
  or ``2.361`` in a file that shows no other decimals, see ``_check_grouped_counts``);
* census counts (:data:`COUNT_FAMILIES`) are never negative;
* a file whose content is not of the type its suffix says (a workbook renamed ``.csv``)
  is refused (:func:`check_file_type`), and so is a table with a header and no rows, a
  file that stops in the middle of its last record, or a zip whose member is corrupt
  (the member is read whole, CRC checked, before parsing);
* commune codes that lost their leading zero (``1001``) are repaired when unambiguous
  (:func:`repair_commune_codes`), and so are ``REG``/``DEP``/commune codes stored as
  numbers in a workbook; each repair is a :class:`DataFileWarning`.

Every problem raises a :class:`DataFileError` that names the file (and the archive
member or sheet), the column(s), the line and the offending value.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from ctgstats.core.errors import InputError
from ctgstats.data import tabular

__all__ = [
    "CODE_COLUMNS",
    "COMMUNE_CODE_COLUMNS",
    "COUNT_FAMILIES",
    "CODE_COLUMN_CANDIDATES",
    "HEADER_MARKERS",
    "MISSING_MARKERS",
    "NUMERIC_FAMILIES",
    "READER_VERSION",
    "STRING_COLUMNS",
    "STRING_COLUMN_PREFIXES",
    "CodeRepairError",
    "DataFileError",
    "DataFileWarning",
    "check_file_type",
    "is_string_column",
    "parse_file",
    "read_table",
    "repair_commune_codes",
    "select_table",
]

#: Bumped whenever parsing or typing changes, so that cached tables are re-parsed.
READER_VERSION = "2"

#: Code and label columns that always stay strings (compared case-insensitively).
STRING_COLUMNS: frozenset[str] = frozenset(
    {
        "CODGEO",
        "LIBGEO",
        "REG",
        "DEP",
        "EPCI",
        "LIBEPCI",
        "NATURE_EPCI",
        "COM",
        "CODE",
        "NOM",
        "DEPARTEMENT",
        "REGION",
        "SIREN",
        "EPCI_CODE",
        "EPCI_NOM",
        "EPCI_TYPE",
        "MOD",
        "DATE_EFF",
        "COM_AV",
        "COM_AP",
        "TYPECOM",
        "ARR",
        "CAN",
        "CTCD",
        "COMPARENT",
        "DEPCOM",
        "IRIS",
        "LIBCOM",
        "LIBIRIS",
        "GEO",  # Filosofi 2 long format (DS_FILOSOFI_CC_…)
        "CODES_INSEE",  # data.caf.fr (Cnaf) exports
        "NUMCOM",
        "NUMEPCI",
        "NUMDEP",
        "DEPSEPCI",
    }
)

#: Prefixes of string columns (COG files: ``TYPECOM_AV``, ``NCCENR``, ``LIBELLE_AP``…).
STRING_COLUMN_PREFIXES: tuple[str, ...] = ("TYPECOM_", "NCC", "LIBELLE", "TNCC")

#: Columns holding territory codes: in an xlsx, a numeric cell there lost its zeros.
CODE_COLUMNS: frozenset[str] = frozenset(
    {
        "CODGEO",
        "EPCI",
        "COM",
        "DEP",
        "REG",
        "CODE",
        "SIREN",
        "EPCI_CODE",
        "DEPARTEMENT",
        "REGION",
        "COM_AV",
        "COM_AP",
        "ARR",
        "CAN",
        "CTCD",
        "COMPARENT",
        "DEPCOM",
        "IRIS",
    }
)

#: Columns holding commune codes (5 characters: ``01001``, ``2A004``): a 4-digit code there
#: lost its leading zero (see :func:`repair_commune_codes`).
COMMUNE_CODE_COLUMNS: frozenset[str] = frozenset(
    {"CODGEO", "COM", "DEPCOM", "DEPCOM_ARM", "COM_AV", "COM_AP"}
)

#: Width of the other code columns padded when a workbook stored them as numbers.
_PADDED_WIDTHS: dict[str, tuple[int, ...]] = {
    "DEP": (2, 3),  # 1 → "01"; 971 stays "971"
    "DEPARTEMENT": (2, 3),
    "REG": (2,),  # 1 → "01"
    "REGION": (2,),
    "EPCI": (9,),
    "SIREN": (9,),
    "EPCI_CODE": (9,),
}

#: Census count columns: weighted counts, never negative, never thousands-grouped.
COUNT_FAMILIES: tuple[re.Pattern[str], ...] = (
    re.compile(r"^[PCD]\d{2}_"),
    re.compile(r"^(?:NAIS|DECE)\d{4}$"),
)

#: Names, in order of preference, of the column holding the row's territory code.
CODE_COLUMN_CANDIDATES: tuple[str, ...] = ("CODGEO", "code", "COM")

#: Header cells that identify the header row of an INSEE workbook.
HEADER_MARKERS: frozenset[str] = frozenset({"CODGEO", "EPCI", "code", "COM", "DEP", "REG"})

#: Rows scanned, from the top of a sheet, for the header row.
HEADER_SEARCH_ROWS = 15

#: Cell contents meaning "no value": blank, ``s`` (secret, Filosofi workbooks),
#: ``nd`` (non disponible). They become NaN, never 0.
MISSING_MARKERS: frozenset[str] = frozenset({"", "s", "nd"})

#: Column families that must be numeric: a non-numeric value there is an error.
NUMERIC_FAMILIES: tuple[re.Pattern[str], ...] = (
    re.compile(r"^[PCD]\d{2}_"),  # census: P22_POP, C11_FAMMONO, D99_POP
    re.compile(r"^(?:NAIS|DECE)\d{4}$"),  # séries historiques: NAIS1622
    re.compile(  # Filosofi: Q219, NBMEN19, S80S2019, PPSOC19…
        r"^(?:NBMEN|NBPERS|NBUC|Q[1-3]|D[1-9]|S80S20|GI|MED|TP60|PACT|PTSAC?|PCHO|PBEN"
        r"|PPEN|PPAT|PPSOC|PPFAM|PPMINI|PPLOGT|PIMPOT"
        r"|TP60AGE[1-6]|TP60TOL[12]|TP60IP|TP[4-7]0)\d{2}$"
    ),
    re.compile(r"^(?:Q3_Q1|RD)$"),
)

#: Data members of a zip are files with these suffixes (case-insensitive).
DATA_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".xlsx")

_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
_DECIMAL_COMMA = r"^-?\d+,\d+$"
_DECIMAL_POINT = r"^-?\d+\.\d+$"
_LEADING_ZERO = r"^0\d"
_COMMUNE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_LOST_ZERO_CODE = re.compile(r"^\d{4}$")
#: ``2 361``, ``2,361``, ``2.361``, ``12 345 678`` (space, no-break or narrow no-break space).
_GROUPED = re.compile(r"^-?\d{1,3}(?:([ \u00a0\u202f,.'])\d{3})(?:\1\d{3})*$")
# not a raw string: RE2 (pyarrow) has no \u escapes, so the spaces are literal
_SPACE_GROUPED = "^-?\\d{1,3}(?:[ \u00a0\u202f]\\d{3})+(?:[.,]\\d+)?$"
_THREE_DECIMALS = r"^-?\d{1,3}\.\d{3}$"
_PLAIN_THOUSANDS = r"^-?\d{4,}(?:\.\d*)?$"
_DEFAULT_SHEETS = ("COM", "Composition_communale")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class DataFileError(InputError, ValueError):
    """A data file cannot be read as expected.

    The message names the file (and archive member or sheet), the column(s), the line
    (1-based in the file, header counted; the row number for a workbook) and the value.

    Attributes
    ----------
    path : pathlib.Path
        The file on disk.
    column : str or tuple of str or None
        The column(s) concerned.
    line : int or tuple of int or None
        The line(s) concerned (rows for a workbook).
    value : object
        The offending value(s), or None.
    member, sheet : str or None
        The archive member or workbook sheet, when relevant.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: Path | str,
        column: str | tuple[str, ...] | None = None,
        line: int | tuple[int, ...] | None = None,
        value: Any = None,
        member: str | None = None,
        sheet: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.column = column
        self.line = line
        self.value = value
        self.member = member
        self.sheet = sheet
        self.reason = reason
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = _describe_location(self.path, self.member, self.sheet)
        parts = [where]
        if isinstance(self.column, tuple):
            parts.append("colonnes " + ", ".join(repr(c) for c in self.column))
        elif self.column is not None:
            parts.append(f"colonne {self.column!r}")
        if isinstance(self.line, tuple):
            parts.append("lignes " + ", ".join(str(n) for n in self.line))
        elif self.line is not None:
            parts.append(f"ligne {self.line}")
        if self.value is not None:
            parts.append(f"valeur {self.value!r}")
        return ", ".join(parts) + " : " + self.reason


class DataFileWarning(UserWarning):
    """Something in a data file was handled, but the user should know (e.g. encoding)."""


@dataclass(frozen=True)
class _Location:
    """Where a table comes from, for messages."""

    path: Path
    member: str | None = None
    sheet: str | None = None

    def error(self, reason: str, **details: Any) -> DataFileError:
        return DataFileError(
            reason, path=self.path, member=self.member, sheet=self.sheet, **details
        )

    def describe(self) -> str:
        return _describe_location(self.path, self.member, self.sheet)


@dataclass
class _RawTable:
    """A table as strings: header names, one string array per column, line numbers."""

    location: _Location
    names: list[str]
    columns: list[pa.Array]
    lines: np.ndarray
    header_line: int = 1
    notes: dict[str, Any] = field(default_factory=dict)


def _describe_location(path: Path, member: str | None, sheet: str | None) -> str:
    text = str(path)
    if member is not None:
        text += f" (membre {member!r})"
    if sheet is not None:
        text += f" (feuille {sheet!r})"
    return text


# --------------------------------------------------------------------------- public API


class CodeRepairError(ValueError):
    """Commune codes that lost their leading zero cannot be repaired unambiguously.

    Attributes
    ----------
    reason : str
        French explanation.
    value : str
        An offending code.
    """

    def __init__(self, reason: str, value: str) -> None:
        self.reason = reason
        self.value = value
        super().__init__(reason)


def repair_commune_codes(
    codes: Sequence[str | None], *, commune_column: bool = False
) -> tuple[list[str | None], int]:
    """Pad the commune codes that lost their leading zero (``1001`` → ``01001``).

    A spreadsheet or a numeric conversion turns the codes of départements 01 to 09 into
    4 digits. The repair is made only when it is unambiguous:

    * every 4-character code is 4 digits not starting with ``0`` (padding gives a code
      of départements 01 to 09, never ``00…``);
    * no 5-character code starting with ``0`` is present (a file holding both
      ``01001`` and ``1002`` is inconsistent: which codes lost a zero?).

    Parameters
    ----------
    codes : sequence of str or None
        The column (None or ``""`` for empty cells, left as they are).
    commune_column : bool
        True when the caller knows the column holds commune codes (a census file): a
        column of 4-digit codes only is repaired. When False the column is taken for a
        commune column only if it mixes 4-character codes and 5-character commune codes
        and holds no code of another length; otherwise it is returned unchanged.

    Returns
    -------
    tuple of (list, int)
        The codes and the number of codes repaired.

    Raises
    ------
    CodeRepairError
        A commune column whose short codes cannot be repaired unambiguously.
    """
    present = [c for c in codes if c]
    short = [c for c in present if len(c) == 4]
    if not short:
        return list(codes), 0
    if not commune_column and (
        not any(_COMMUNE_CODE.match(c) for c in present)
        or any(len(c) not in (4, 5) for c in present)
    ):
        return list(codes), 0
    bad = [c for c in short if not _LOST_ZERO_CODE.match(c) or c.startswith("0")]
    if bad:
        raise CodeRepairError(
            "code à 4 caractères dans une colonne de codes commune, qui n'est pas un code "
            "privé de son zéro initial (5 caractères attendus, ex. '01001', '2A004')",
            bad[0],
        )
    zeros = [c for c in present if len(c) == 5 and c.startswith("0")]
    if zeros:
        raise CodeRepairError(
            f"{len(short)} code(s) commune à 4 chiffres (ex. {short[0]!r}) et des codes à 5 "
            f"caractères commençant par 0 (ex. {zeros[0]!r}) : impossible de savoir quels "
            "codes ont perdu leur zéro initial ; corriger le fichier (codes en texte)",
            short[0],
        )
    return ["0" + c if c and len(c) == 4 else c for c in codes], len(short)


def check_file_type(path: Path | str) -> None:
    """Refuse a file whose content is not of the type its suffix says.

    A workbook renamed ``.csv`` is a zip container (``PK``); a CSV renamed ``.xlsx`` is
    text. The check reads the first bytes (and, for a zip, its member names) and runs
    before any cache lookup, so that the outcome never depends on the cache.

    Raises
    ------
    DataFileError
        The content is a spreadsheet (XLSX or XLS), a zip archive or text, and the
        suffix says otherwise.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    kind = _content_kind(path)
    expected = {".csv": "text", ".txt": "text", ".xlsx": "xlsx", ".zip": "zip"}.get(suffix)
    if expected is None or kind == expected or kind == "empty":
        return
    described = _KIND_LABELS[kind]
    wanted = {"text": "un fichier CSV", "xlsx": "un classeur XLSX", "zip": "une archive zip"}
    advice = {
        "xlsx": " : le renommer en .xlsx",
        "zip": " : le renommer en .zip",
        "text": " : le renommer en .csv",
        "xls": " : l'enregistrer au format CSV ou xlsx",
    }[kind]
    raise DataFileError(
        f"le fichier est {described}, pas {wanted[expected]} comme l'indique son extension "
        f"{path.suffix!r}{advice}",
        path=path,
    )


_KIND_LABELS = {
    "xlsx": "un classeur tableur (XLSX)",
    "xls": "un classeur Excel binaire (.xls)",
    "zip": "une archive zip",
    "text": "un fichier texte (CSV ?)",
}


def _content_kind(path: Path) -> str:
    with path.open("rb") as stream:
        head = stream.read(8)
    return _bytes_kind(head, lambda: zipfile.ZipFile(path))


def _bytes_kind(head: bytes, open_zip: Callable[[], zipfile.ZipFile]) -> str:
    if not head:
        return "empty"
    if head.startswith(_OLE_MAGIC):
        return "xls"
    if not head.startswith(_ZIP_MAGIC):
        return "text"
    try:
        with open_zip() as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return "zip"
    return "xlsx" if "xl/workbook.xml" in names else "zip"


def is_string_column(name: str) -> bool:
    """Tell whether ``name`` is a code/label column that always stays a string."""
    upper = name.upper()
    return upper in STRING_COLUMNS or upper.startswith(STRING_COLUMN_PREFIXES)


def parse_file(
    path: Path | str, *, member: str | None = None, sheet: str | None = None
) -> pd.DataFrame:
    """Parse a whole INSEE table, typed, without any cache.

    Parameters
    ----------
    path : Path or str
        A ``.csv``, a ``.zip`` holding one data member, or an ``.xlsx``.
    member : str, optional
        The archive member to read (required when a zip holds several data files).
    sheet : str, optional
        The workbook sheet; default ``COM`` if present, then ``Composition_communale``,
        else the first sheet. Ignored when the data is a CSV (a source's sheet applies
        to its xlsx distribution only).

    Returns
    -------
    pandas.DataFrame
        All named columns, strings for code/label columns, ``float64`` otherwise. The
        index, named ``line``, holds each row's 1-based line in the file (header
        counted) or row in the sheet. ``attrs["source"]`` records path, member, sheet,
        encoding and decimal mark.

    Raises
    ------
    DataFileError
        If the file cannot be read or holds a malformed value.
    """
    raw = _read_raw(Path(path), member=member, sheet=sheet)
    return _type_table(raw)


def read_table(
    path: Path | str,
    *,
    required: Sequence[str] = (),
    optional: Sequence[str] = (),
    pattern: str | None = None,
    codes: Collection[str] | None = None,
    code_column: str | None = None,
    member: str | None = None,
    sheet: str | None = None,
    unique_codes: bool = True,
    commune_codes: bool = False,
) -> pd.DataFrame:
    """Read the columns a caller needs from an INSEE table (no cache).

    :func:`ctgstats.data.cache.read_table` does the same through the parquet cache.

    Parameters
    ----------
    path : Path or str
        A ``.csv``, ``.zip`` or ``.xlsx`` file (see :func:`parse_file`).
    required : sequence of str
        Columns that must exist; all missing ones are reported at once.
    optional : sequence of str
        Columns included when present.
    pattern : str, optional
        Regular expression (``re.search``); every matching column is included.
    codes : collection of str, optional
        Keep only the rows with these codes (file order kept).
    code_column : str, optional
        Column holding the territory code; default the first of ``CODGEO``, ``code``,
        ``COM`` present. It always comes first in the result.
    member, sheet : str, optional
        Archive member or workbook sheet (see :func:`parse_file`).
    unique_codes : bool
        When False, a code may appear on several rows (long tables: one row per code and
        year, like the Observatoire des territoires files); empty codes are still errors.
    commune_codes : bool
        The code column holds commune codes (a commune-level file): 4-digit codes are
        repaired (:func:`repair_commune_codes`) even when no 5-character code is
        present. Without it, a ``CODGEO``/``COM``/``DEPCOM`` column mixing 4- and
        5-character codes is repaired. A repair is reported by a :class:`DataFileWarning`
        naming the file and the number of codes; an ambiguous column is refused.

    Returns
    -------
    pandas.DataFrame
        The code column then the selected columns (all columns when none of
        ``required``, ``optional``, ``pattern`` is given), with a fresh RangeIndex.

    Raises
    ------
    DataFileError
        Missing required columns, empty or duplicate codes, malformed values.
    """
    table = parse_file(path, member=member, sheet=sheet)
    return select_table(
        Path(path),
        list(table.columns),
        table.attrs.get("source", {}),
        lambda selection: table.loc[:, selection],
        required=required,
        optional=optional,
        pattern=pattern,
        codes=codes,
        code_column=code_column,
        unique_codes=unique_codes,
        commune_codes=commune_codes,
    )


def select_table(
    path: Path,
    names: Sequence[str],
    source: dict[str, Any],
    load: Callable[[list[str]], pd.DataFrame],
    *,
    required: Sequence[str] = (),
    optional: Sequence[str] = (),
    pattern: str | None = None,
    codes: Collection[str] | None = None,
    code_column: str | None = None,
    unique_codes: bool = True,
    commune_codes: bool = False,
) -> pd.DataFrame:
    """Select, check and filter the columns of a parsed table (see :func:`read_table`).

    Parameters
    ----------
    path : Path
        The file, for messages.
    names : sequence of str
        All column names of the parsed table.
    source : dict
        Its ``attrs["source"]`` (member and sheet, for messages).
    load : callable
        Returns the parsed table restricted to the given columns (index ``line``).
    required, optional, pattern, codes, code_column, unique_codes, commune_codes
        As in :func:`read_table`.
    """
    location = _location_from_source(source, path)
    for note in source.get("repairs") or ():
        warnings.warn(f"{location.describe()} : {note}", DataFileWarning, stacklevel=3)
    code = _resolve_code_column(names, code_column, location)
    selection = _select_columns(names, code, required, optional, pattern, location)
    table = load(selection)
    if code is not None:
        table = _repair_code_column(table, code, location, commune=commune_codes)
        _check_codes(table, code, location, unique=unique_codes)
    if codes is not None:
        table = _filter_codes(table, code, codes, location)
    return table.reset_index(drop=True)


# --------------------------------------------------------------------------- selection


def _location_from_source(source: dict[str, Any], path: Path) -> _Location:
    return _Location(path, source.get("member"), source.get("sheet"))


def _resolve_code_column(
    names: Sequence[str], code_column: str | None, location: _Location
) -> str | None:
    if code_column is not None:
        if code_column not in names:
            raise location.error(
                f"colonne de codes introuvable{_suggest(code_column, names)} ; "
                f"colonnes du fichier : {_shorten(names)}",
                column=code_column,
            )
        return code_column
    by_upper = {name.upper(): name for name in reversed(names)}
    for candidate in CODE_COLUMN_CANDIDATES:
        if candidate.upper() in by_upper:
            return by_upper[candidate.upper()]
    return None


def _select_columns(
    names: Sequence[str],
    code: str | None,
    required: Sequence[str],
    optional: Sequence[str],
    pattern: str | None,
    location: _Location,
) -> list[str]:
    if isinstance(required, str) or isinstance(optional, str):
        raise TypeError("required and optional must be sequences of column names, not str")
    present = set(names)
    missing = [name for name in required if name not in present]
    if missing:
        hints = "".join(_suggest(name, names) for name in missing)
        raise location.error(
            f"{len(missing)} colonne(s) obligatoire(s) absente(s){hints}",
            column=tuple(missing),
        )
    if not required and not optional and pattern is None:
        wanted = list(names)
    else:
        wanted = list(required) + [name for name in optional if name in present]
        if pattern is not None:
            regex = re.compile(pattern)
            wanted += [name for name in names if regex.search(name)]
    if code is not None:
        wanted = [code, *wanted]
    return list(dict.fromkeys(wanted))


def _suggest(name: str, names: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(names), n=3, cutoff=0.6)
    if not close:
        return ""
    return f" ({name!r} : peut-être {', '.join(repr(c) for c in close)} ?)"


def _shorten(names: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(repr(n) for n in list(names)[:limit])
    more = len(names) - limit
    return f"[{shown}{f', … et {more} autres' if more > 0 else ''}]"


def _repair_code_column(
    table: pd.DataFrame, code: str, location: _Location, *, commune: bool
) -> pd.DataFrame:
    if not commune and code.upper() not in COMMUNE_CODE_COLUMNS:
        return table
    values = [None if pd.isna(v) else str(v) for v in table[code]]
    try:
        repaired, count = repair_commune_codes(values, commune_column=commune)
    except CodeRepairError as exc:
        raise location.error(exc.reason, column=code, value=exc.value) from None
    if not count:
        return table
    example = next(v for v in values if v and len(v) == 4)
    warnings.warn(
        f"{location.describe()}, colonne {code!r} : {count} code(s) commune à 4 chiffres "
        f"complété(s) par le zéro initial perdu (ex. {example!r} → {'0' + example!r})",
        DataFileWarning,
        stacklevel=4,
    )
    table = table.copy()
    table[code] = pd.array(repaired, dtype="str")
    return table


def _check_codes(
    table: pd.DataFrame, code: str, location: _Location, *, unique: bool = True
) -> None:
    values = table[code]
    lines = table.index.to_numpy()
    empty = values.isna().to_numpy()
    if empty.any():
        raise location.error(
            "code(s) vide(s)", column=code, line=tuple(int(n) for n in lines[empty][:20])
        )
    duplicated = values.duplicated(keep=False).to_numpy()
    if unique and duplicated.any():
        dup_values = values[duplicated]
        first = list(dict.fromkeys(dup_values.tolist()))[:10]
        dup_lines = tuple(int(n) for n in lines[duplicated][:20])
        raise location.error(
            f"code(s) en double {', '.join(repr(v) for v in first)}",
            column=code,
            line=dup_lines,
            value=tuple(first),
        )


def _filter_codes(
    table: pd.DataFrame, code: str | None, codes: Collection[str], location: _Location
) -> pd.DataFrame:
    if code is None:
        raise location.error(
            "impossible de filtrer par codes : la table n'a pas de colonne de codes "
            f"(aucune de {', '.join(CODE_COLUMN_CANDIDATES)}) ; indiquer code_column"
        )
    if isinstance(codes, str):
        raise TypeError("codes must be a collection of code strings, not one str")
    wanted = [str(c) for c in codes]
    return table.loc[table[code].isin(wanted).to_numpy()]


# --------------------------------------------------------------------------- raw reading


def _read_raw(path: Path, *, member: str | None, sheet: str | None) -> _RawTable:
    if not path.is_file():
        raise DataFileError("fichier introuvable", path=path, member=member, sheet=sheet)
    check_file_type(path)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _read_zip(path, member=member, sheet=sheet)
    if member is not None:
        raise DataFileError(
            "membre indiqué mais le fichier n'est pas une archive zip", path=path, member=member
        )
    if suffix == ".xlsx":
        with path.open("rb") as stream:
            return _read_xlsx(stream, _Location(path), sheet=sheet)
    if suffix in (".csv", ".txt"):
        return _read_csv(lambda: path.open("rb"), _Location(path))
    if suffix == ".xls":
        raise DataFileError(
            "l'ancien format Excel binaire (.xls) n'est pas pris en charge : utiliser "
            "la version CSV ou xlsx de la même table",
            path=path,
        )
    raise DataFileError(
        f"type de fichier {path.suffix!r} non pris en charge (attendu : .csv, .zip ou .xlsx)",
        path=path,
    )


def _read_zip(path: Path, *, member: str | None, sheet: str | None) -> _RawTable:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise DataFileError(f"archive zip invalide ({exc})", path=path) from exc
    with archive:
        name = _pick_member(archive, path, member)
        location = _Location(path, member=name)
        data = _read_member(archive, location)
    kind = _bytes_kind(data[:8], lambda: zipfile.ZipFile(io.BytesIO(data)))
    if name.lower().endswith(".xlsx"):
        if kind not in ("xlsx", "empty"):
            raise location.error(f"le membre est {_KIND_LABELS[kind]}, pas un classeur XLSX")
        return _read_xlsx(io.BytesIO(data), location, sheet=sheet)
    if kind not in ("text", "empty"):
        raise location.error(f"le membre est {_KIND_LABELS[kind]}, pas un fichier CSV")
    return _read_csv(lambda: io.BytesIO(data), location)


def _read_member(archive: zipfile.ZipFile, location: _Location) -> bytes:
    """The bytes of a member, fully read (and CRC-checked) before any parsing."""
    assert location.member is not None
    try:
        return archive.read(location.member)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise location.error(
            f"membre de l'archive illisible, archive zip corrompue ({exc}) ; "
            "re-télécharger le fichier"
        ) from None


def _pick_member(archive: zipfile.ZipFile, path: Path, member: str | None) -> str:
    names = [info.filename for info in archive.infolist() if not info.is_dir()]
    if member is not None:
        for name in names:
            if name == member:
                return name
        matches = [n for n in names if PurePosixPath(n).name.lower() == member.lower()]
        if len(matches) == 1:
            return matches[0]
        raise DataFileError(
            f"membre introuvable ; l'archive contient {names}", path=path, member=member
        )
    candidates = [n for n in names if _is_data_member(n)]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise DataFileError(
            f"aucun fichier de données (csv/xlsx) dans l'archive ; elle contient {names}", path=path
        )
    raise DataFileError(
        f"plusieurs fichiers de données, indiquer member= parmi {candidates}", path=path
    )


def _is_data_member(name: str) -> bool:
    pure = PurePosixPath(name)
    base = pure.name.lower()
    if "__macosx" in name.lower() or base.startswith((".", "meta_", "varmod")):
        return False
    if "doc" in base:
        return False
    return base.endswith(DATA_SUFFIXES)


# --------------------------------------------------------------------------- CSV


def _read_csv(opener: Any, location: _Location) -> _RawTable:
    header_bytes = _first_line(opener)
    try:
        encoding = "utf-8"
        table, separator = _arrow_csv(opener, location, header_bytes, encoding)
    except _NotUtf8:
        encoding = _fallback_encoding(opener, location)
        table, separator = _arrow_csv(opener, location, header_bytes, encoding)
    raw = _raw_from_rows(table, location)
    raw.notes.update(
        encoding=encoding,
        separator=separator,
        final_newline=not _ends_mid_line(opener),
        fields=_count_fields(header_bytes.decode(encoding, errors="replace"), separator),
    )
    return raw


def _ends_mid_line(opener: Any) -> bool:
    """True when the file's last byte is not a line feed (nor a carriage return)."""
    with opener() as stream:
        stream.seek(0, io.SEEK_END)
        size = stream.tell()
        if size == 0:
            return False
        stream.seek(size - 1)
        return stream.read(1) not in (b"\n", b"\r")


class _NotUtf8(Exception):
    """Internal: the file is not valid UTF-8."""


def _first_line(opener: Any) -> bytes:
    with opener() as stream:
        line = stream.readline()
    return line.removeprefix(b"\xef\xbb\xbf")


def _arrow_csv(
    opener: Any, location: _Location, header_bytes: bytes, encoding: str
) -> tuple[pa.Table, str]:
    try:
        header = header_bytes.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _NotUtf8 from exc
    separator = tabular.header_separator(header, default=";")
    invalid: list[Any] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row)
        return "error"

    read_options = pa_csv.ReadOptions(
        autogenerate_column_names=True,
        block_size=1 << 24,
        encoding="utf8" if encoding == "utf-8" else encoding,
    )
    parse_options = pa_csv.ParseOptions(
        delimiter=separator, ignore_empty_lines=False, invalid_row_handler=on_invalid
    )
    count = _count_fields(header, separator)
    convert_options = pa_csv.ConvertOptions(
        column_types={f"f{i}": pa.string() for i in range(count)},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    try:
        with opener() as stream:
            table = pa_csv.read_csv(
                stream,
                read_options=read_options,
                parse_options=parse_options,
                convert_options=convert_options,
            )
    except pa.ArrowInvalid as exc:
        if "invalid UTF8" in str(exc) and encoding == "utf-8":
            raise _NotUtf8 from exc
        if invalid:
            raise _row_error(opener, location, invalid[0]) from exc
        raise location.error(f"CSV mal formé ({exc})") from exc
    return table, separator


def _count_fields(header: str, separator: str) -> int:
    row = next(csv.reader([header.rstrip("\r\n")], delimiter=separator), [])
    return max(len(row), 1)


def _row_error(opener: Any, location: _Location, row: Any) -> DataFileError:
    line = row.number if row.number is not None else _find_line(opener, row.text)
    reason = f"{row.expected_columns} champs attendus, {row.actual_columns} trouvés"
    if row.actual_columns < row.expected_columns and _is_last_line(opener, row.text):
        reason += (
            " : le fichier s'arrête au milieu de son dernier enregistrement, sans saut de "
            "ligne final (fichier tronqué ; re-télécharger le fichier)"
        )
    return location.error(reason, line=line, value=row.text[:200])


def _is_last_line(opener: Any, text: str) -> bool:
    if not _ends_mid_line(opener):
        return False
    with opener() as stream:
        data = stream.read()
    tail = data.rsplit(b"\n", 1)[-1]
    return tail.decode("utf-8", errors="ignore").rstrip("\r") == text.rstrip("\r\n")


def _find_line(opener: Any, text: str) -> int | None:
    target = text.encode("utf-8", errors="ignore").rstrip(b"\r\n")
    with opener() as stream:
        for number, line in enumerate(stream, start=1):
            if line.rstrip(b"\r\n") == target:
                return number
    return None


def _fallback_encoding(opener: Any, location: _Location) -> str:
    with opener() as stream:
        decoded = tabular.decode(stream.read())
    encoding = decoded.encoding if not decoded.is_utf8 else "cp1252"
    line, byte = decoded.bad_line or 1, decoded.bad_byte or 0
    warnings.warn(
        f"{location.describe()} : pas en UTF-8 (octet 0x{byte:02x} ligne {line}) ; "
        f"lu en {encoding}",
        DataFileWarning,
        stacklevel=4,
    )
    return encoding


def _raw_from_rows(table: pa.Table, location: _Location) -> _RawTable:
    if table.num_rows == 0:
        raise location.error("fichier vide (pas de ligne d'en-tête)")
    columns = [table.column(i).combine_chunks() for i in range(table.num_columns)]
    header = [col[0].as_py() for col in columns]
    data = [col.slice(1) for col in columns]
    lines = np.arange(2, table.num_rows + 1, dtype=np.int64)
    return _finish_raw(location, header, data, lines, header_line=1)


def _finish_raw(
    location: _Location,
    header: list[Any],
    data: list[pa.Array],
    lines: np.ndarray,
    *,
    header_line: int,
) -> _RawTable:
    names = [("" if h is None else str(h)).strip().lstrip("\ufeff") for h in header]
    data = [pc.utf8_trim_whitespace(col) for col in data]
    keep_rows = _non_blank_rows(data, len(lines))
    if not keep_rows.all():
        mask = pa.array(keep_rows)
        data = [col.filter(mask) for col in data]
        lines = lines[keep_rows]
    if len(lines) == 0:
        raise location.error(
            f"aucune ligne de données : le fichier n'a que son en-tête (ligne {header_line}) ; "
            "fichier vide ou tronqué, re-télécharger le fichier"
        )
    names, data = _drop_unnamed(location, names, data, lines)
    _check_duplicate_names(location, names, header_line)
    return _RawTable(location, names, data, lines, header_line)


def _non_blank_rows(data: list[pa.Array], n_rows: int) -> np.ndarray:
    keep = np.zeros(n_rows, dtype=bool)
    for col in data:
        keep |= pc.not_equal(col, "").fill_null(False).to_numpy(zero_copy_only=False)
    return keep


def _drop_unnamed(
    location: _Location, names: list[str], data: list[pa.Array], lines: np.ndarray
) -> tuple[list[str], list[pa.Array]]:
    kept_names, kept_data = [], []
    for position, (name, col) in enumerate(zip(names, data, strict=True), start=1):
        if name:
            kept_names.append(name)
            kept_data.append(col)
            continue
        filled = pc.not_equal(col, "").fill_null(False).to_numpy(zero_copy_only=False)
        if filled.any():
            first = int(np.argmax(filled))
            raise location.error(
                "une colonne sans en-tête contient des valeurs",
                column=f"#{position} (unnamed)",
                line=int(lines[first]),
                value=col[first].as_py(),
            )
    return kept_names, kept_data


def _check_duplicate_names(location: _Location, names: list[str], header_line: int) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise location.error(
                "nom de colonne en double dans l'en-tête", column=name, line=header_line
            )
        seen.add(name)


# --------------------------------------------------------------------------- xlsx


def _read_xlsx(stream: IO[bytes], location: _Location, *, sheet: str | None) -> _RawTable:
    try:
        table = tabular.read_xlsx(
            stream,
            path=location.path,
            sheet=lambda names: _pick_sheet(names, sheet, location),
            is_header=_is_header_row,
            header_search_rows=HEADER_SEARCH_ROWS,
            keep_raw=True,
        )
    except tabular.TabularError as exc:
        if exc.reason.startswith("pas de ligne d'en-tête"):
            raise location.error(
                f"pas de ligne d'en-tête dans les {HEADER_SEARCH_ROWS} premières lignes (cellule "
                f"cherchée parmi {', '.join(sorted(HEADER_MARKERS))})"
            ) from None
        if exc.reason.startswith("classeur sans feuille"):
            raise location.error("classeur sans feuille") from None
        raise location.error(f"classeur xlsx illisible ({exc.reason})") from None
    location = _Location(location.path, location.member, table.sheet)
    repairs = _pad_code_cells(table, location)
    if table.overflow:
        line = min(table.overflow)
        raise location.error(
            "valeur au-delà de la dernière colonne de l'en-tête",
            line=line,
            value=table.overflow[line],
        )
    columns = [[row[i] for row in table.rows] for i in range(len(table.header))]
    data = [pa.array(col, type=pa.string()) for col in columns]
    raw = _finish_raw(
        location,
        list(table.header),
        data,
        np.asarray(table.lines, dtype=np.int64),
        header_line=table.header_line,
    )
    raw.notes["repairs"] = repairs
    return raw


def _is_header_row(values: Sequence[Any]) -> bool:
    cells = {str(v).strip() for v in values if isinstance(v, str)}
    return bool(cells & HEADER_MARKERS)


def _pick_sheet(sheetnames: list[str], sheet: str | None, location: _Location) -> str:
    if sheet is not None:
        if sheet in sheetnames:
            return sheet
        raise location.error(f"feuille {sheet!r} introuvable ; feuilles : {sheetnames}")
    for default in _DEFAULT_SHEETS:
        if default in sheetnames:
            return default
    return sheetnames[0]


def _pad_code_cells(table: tabular.TextTable, location: _Location) -> list[str]:
    """Turn code cells stored as numbers back into codes, padded when unambiguous.

    Commune columns (:data:`COMMUNE_CODE_COLUMNS`) go through
    :func:`repair_commune_codes`; ``DEP`` and ``REG`` numbers are padded to 2 digits
    (``1`` → ``"01"``, ``971`` stays); an EPCI SIREN must already have 9 digits. Any
    other numeric code cell is refused (its zeros may be lost). Returns the French notes
    of the repairs made (one per column).
    """
    repairs: list[str] = []
    for i, name in enumerate(table.header):
        upper = name.upper()
        if upper not in CODE_COLUMNS and upper not in COMMUNE_CODE_COLUMNS:
            continue
        numeric = [k for k, row in enumerate(table.raw) if _is_number(row[i])]
        if not numeric:
            continue
        for k in numeric:
            value = table.raw[k][i]
            if value < 0 or (isinstance(value, float) and not value.is_integer()):
                raise _numeric_code_error(table, location, i, k)
        if upper in COMMUNE_CODE_COLUMNS:
            count = _pad_commune_cells(table, location, i, numeric)
        elif upper in _PADDED_WIDTHS:
            count = _pad_fixed_cells(table, location, i, numeric, _PADDED_WIDTHS[upper])
        else:
            raise _numeric_code_error(table, location, i, numeric[0])
        if count:
            k = next(k for k in numeric if table.rows[k][i] != tabular.cell_text(table.raw[k][i]))
            repairs.append(
                f"colonne {name!r} : {count} code(s) enregistré(s) comme nombres dans le "
                "classeur, complété(s) par des zéros à gauche (ex. "
                f"{tabular.cell_text(table.raw[k][i])} → {table.rows[k][i]!r})"
            )
    return repairs


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numeric_code_error(
    table: tabular.TextTable, location: _Location, column: int, row: int
) -> DataFileError:
    return location.error(
        "code enregistré comme nombre dans le classeur (les zéros initiaux peuvent "
        "être perdus) ; les codes doivent être des cellules texte",
        column=table.header[column],
        line=table.lines[row],
        value=table.raw[row][column],
    )


def _pad_commune_cells(
    table: tabular.TextTable, location: _Location, column: int, numeric: list[int]
) -> int:
    texts: list[str | None] = [row[column] for row in table.rows]
    # DEPCOM, COM… can only hold communes; CODGEO may hold codes of another level
    commune = table.header[column].upper() != "CODGEO"
    try:
        repaired, count = repair_commune_codes(texts, commune_column=commune)
    except CodeRepairError as exc:
        raise location.error(exc.reason, column=table.header[column], value=exc.value) from None
    for k in numeric:
        code = repaired[k]
        if code is None or not _COMMUNE_CODE.match(code):
            raise _numeric_code_error(table, location, column, k)
    for k, code in enumerate(repaired):
        table.rows[k][column] = code or ""
    return count


def _pad_fixed_cells(
    table: tabular.TextTable,
    location: _Location,
    column: int,
    numeric: list[int],
    widths: tuple[int, ...],
) -> int:
    count = 0
    for k in numeric:
        text = table.rows[k][column]
        if len(text) in widths:
            continue
        if len(text) > widths[0] or widths[0] == 9 or text == "0":
            raise _numeric_code_error(table, location, column, k)
        table.rows[k][column] = text.zfill(widths[0])
        count += 1
    return count


# --------------------------------------------------------------------------- typing


def _type_table(raw: _RawTable) -> pd.DataFrame:
    candidates = {i for i, name in enumerate(raw.names) if not is_string_column(name)}
    decimal_comma = _detect_decimal_comma([raw.columns[i] for i in sorted(candidates)])
    counts = [i for i in sorted(candidates) if _is_count_column(raw.names[i])]
    _check_grouped_counts(raw, counts, decimal_comma)
    if raw.notes.get("final_newline") is False:
        _check_truncated_tail(raw)
    frame: dict[str, Any] = {}
    for i, (name, col) in enumerate(zip(raw.names, raw.columns, strict=True)):
        if i in candidates:
            frame[name] = _typed_column(name, col, raw, decimal_comma)
            if i in counts:
                _check_not_negative(raw, name, frame[name])
        else:
            frame[name] = _string_values(col)
    table = pd.DataFrame(frame, index=pd.Index(raw.lines, name="line"))
    table.attrs["source"] = {
        "path": str(raw.location.path),
        "member": raw.location.member,
        "sheet": raw.location.sheet,
        "encoding": raw.notes.get("encoding"),
        "separator": raw.notes.get("separator"),
        "decimal": "," if decimal_comma else ".",
        "repairs": list(raw.notes.get("repairs", [])),
    }
    return table


def _is_count_column(name: str) -> bool:
    return any(p.search(name) for p in COUNT_FAMILIES)


def _check_grouped_counts(raw: _RawTable, counts: list[int], decimal_comma: bool) -> None:
    """Refuse count columns whose only "decimals" look like thousands groups.

    ``2,361`` or ``2.361`` may be 2.361 or 2 361. The census writes its weighted counts
    with varying decimals (``159.17233``) and its counts above 999 without separator
    (``2361``): when every value of the count columns written with the file's decimal
    mark has 1 to 3 digits then exactly 3 "decimals", and no count is written as a plain
    number above 999, the mark is most probably a thousands separator. The file is
    refused (never guessed): the message names the column, the line and the value.
    """
    texts = [raw.columns[i] for i in counts]
    if decimal_comma:
        texts = [pc.replace_substring(c, ",", ".") for c in texts]
    first: tuple[int, int] | None = None
    for i, col in zip(counts, texts, strict=True):
        if pc.any(pc.match_substring_regex(col, _PLAIN_THOUSANDS)).as_py():
            return  # 2361 written plainly: the mark is a decimal mark
        has_mark = pc.match_substring(col, ".")
        marked = col.filter(has_mark)
        if len(marked) == 0:
            continue
        if not pc.all(pc.match_substring_regex(marked, _THREE_DECIMALS)).as_py():
            return  # 159.17233: the file shows its decimals
        if first is None:
            first = (i, int(np.argmax(has_mark.to_numpy(zero_copy_only=False))))
    if first is None:
        return
    i, k = first
    value = raw.columns[i][k].as_py()
    digits = value.replace(",", "").replace(".", "")
    grouped = f"{int(digits):,}".replace(",", " ")
    decimal = value.replace(".", ",")
    raise raw.location.error(
        f"séparateur de milliers probable dans une colonne d'effectifs : {value!r} vaut-il "
        f"{grouped} ou {decimal} ? Toutes les valeurs à décimales des colonnes d'effectifs "
        "ont 1 à 3 chiffres puis exactement 3 « décimales », et aucun effectif n'est écrit "
        "au-delà de 999 sans séparateur : refusé plutôt que deviné ; exporter le fichier "
        "sans séparateur de milliers",
        column=raw.names[i],
        line=int(raw.lines[k]),
        value=value,
    )


def _check_not_negative(raw: _RawTable, name: str, values: np.ndarray) -> None:
    negative = np.flatnonzero(values < 0)
    if not len(negative):
        return
    k = int(negative[0])
    code = _row_code(raw, k)
    where = f"commune {code!r} : " if code is not None else ""
    raise raw.location.error(
        f"{where}effectif négatif ({len(negative)} valeur(s) négative(s) dans cette colonne) ; "
        "un effectif du recensement n'est jamais négatif : fichier modifié ou corrompu",
        column=name,
        line=int(raw.lines[k]),
        value=raw.columns[raw.names.index(name)][k].as_py(),
    )


def _row_code(raw: _RawTable, row: int) -> str | None:
    by_upper = {n.upper(): i for i, n in reversed(list(enumerate(raw.names)))}
    for candidate in CODE_COLUMN_CANDIDATES:
        if candidate.upper() in by_upper:
            value = raw.columns[by_upper[candidate.upper()]][row].as_py()
            return str(value) if value is not None else None
    return None


def _decimals(text: str) -> int:
    for mark in (".", ","):
        if mark in text:
            return len(text.rsplit(mark, 1)[1])
    return 0


def _check_truncated_tail(raw: _RawTable) -> None:
    """Refuse a file cut inside the last field of its last record.

    Only for a file without final line feed, whose header has no unnamed trailing
    column: when every other value of the last column carries decimals and the last
    value has fewer decimals than all of them (``159.17233`` cut to ``15``), the file
    most probably stops in the middle of that value. A complete last record without a
    final line feed (frequent in real files) passes: its value has the column's
    precision.
    """
    if not raw.names or raw.notes.get("fields") != len(raw.names) or len(raw.lines) < 3:
        return
    values = raw.columns[-1].to_pylist()
    last, others = values[-1], [v for v in values[:-1] if v not in MISSING_MARKERS]
    if last in MISSING_MARKERS or len(others) < 2 or not re.match(_NUMBER, last.replace(",", ".")):
        return
    if not all(re.match(_NUMBER, v.replace(",", ".")) for v in others):
        return
    precision = min(_decimals(v) for v in others)
    if precision == 0 or _decimals(last) >= precision:
        return
    raise raw.location.error(
        "fichier probablement tronqué : il ne se termine pas par un saut de ligne et la "
        f"dernière valeur de la colonne a {_decimals(last)} décimale(s), quand toutes les "
        f"autres en ont au moins {precision} ; re-télécharger le fichier (s'il est complet, "
        "ajouter un saut de ligne final)",
        column=raw.names[-1],
        line=int(raw.lines[-1]),
        value=last,
    )


def _detect_decimal_comma(columns: list[pa.Array]) -> bool:
    """Decimal comma if some cell looks like ``12,5`` and none like ``12.5``."""
    with_comma = [c for c in columns if pc.any(pc.match_substring(c, ",")).as_py()]
    if not with_comma:
        return False
    if not any(pc.any(pc.match_substring_regex(c, _DECIMAL_COMMA)).as_py() for c in with_comma):
        return False
    return not any(pc.any(pc.match_substring_regex(c, _DECIMAL_POINT)).as_py() for c in columns)


def _string_values(col: pa.Array) -> Any:
    nulled = pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)
    return pd.array(nulled.to_numpy(zero_copy_only=False), dtype="str")


def _typed_column(name: str, col: pa.Array, raw: _RawTable, decimal_comma: bool) -> Any:
    missing = pc.is_in(col, value_set=pa.array(sorted(MISSING_MARKERS), pa.string()))
    text = pc.replace_substring(col, ",", ".") if decimal_comma else col
    numeric = pc.match_substring_regex(text, _NUMBER)
    valid = pc.or_(missing, numeric)
    if pc.all(valid).as_py() is not False:
        if (
            not _is_numeric_family(name)
            and pc.any(pc.match_substring_regex(col, _LEADING_ZERO)).as_py()
        ):
            return _string_values(col)  # '007', '01004': an unlisted code column
        values = pc.if_else(missing, pa.scalar(None, pa.string()), text)
        return pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
    if _is_numeric_family(name):
        bad = np.flatnonzero(~valid.to_numpy(zero_copy_only=False))
        first = int(bad[0])
        value = col[first].as_py()
        hint = ""
        if _GROUPED.match(value):
            hint = (
                f" ; {value!r} ressemble à un nombre écrit avec un séparateur de milliers "
                "(non accepté : exporter le fichier sans séparateur de milliers)"
            )
        raise raw.location.error(
            f"valeur non numérique dans une colonne numérique ({len(bad)} cellule(s) de ce "
            f"type ; séparateur décimal du fichier : {',' if decimal_comma else '.'!r}){hint}",
            column=name,
            line=int(raw.lines[first]),
            value=col[first].as_py(),
        )
    _refuse_space_grouped(name, col, valid, raw)
    return _string_values(col)


def _refuse_space_grouped(name: str, col: pa.Array, valid: pa.Array, raw: _RawTable) -> None:
    """Refuse a column of numbers some of which are written ``2 361`` (any column).

    A space is never a decimal mark: a column whose every value is a number, blank or
    a number grouped by spaces is numeric with thousands separators, which are not
    accepted (it would otherwise silently stay text).
    """
    grouped = pc.match_substring_regex(col, _SPACE_GROUPED)
    if not pc.all(pc.or_(valid, grouped)).as_py():
        return
    first = int(np.argmax(grouped.to_numpy(zero_copy_only=False)))
    value = col[first].as_py()
    raise raw.location.error(
        f"nombre écrit avec un séparateur de milliers ({value!r}) : non accepté, exporter "
        "le fichier sans séparateur de milliers",
        column=name,
        line=int(raw.lines[first]),
        value=value,
    )


def _is_numeric_family(name: str) -> bool:
    return any(p.search(name) for p in NUMERIC_FAMILIES)
