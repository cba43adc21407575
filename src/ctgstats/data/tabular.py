"""Read delimited text and XLSX workbooks as text cells, with their line numbers.

This is the one low-level reader shared by the INSEE readers
(:mod:`ctgstats.data.readers`), the survey adapters (:mod:`ctgstats.surveys.adapters`)
and the analyst's indicator tables (:mod:`ctgstats.indicators.usertables`):

* :func:`decode` detects the encoding: UTF-8 with or without BOM, else Windows-1252,
  else latin-1 (which decodes anything);
* :func:`sniff_separator` chooses among ``;``, ``,`` and tab;
* :func:`read_delimited` reads a CSV (LF or CRLF) into a :class:`TextTable`;
* :func:`read_xlsx` reads one sheet, optionally finding the header below title lines
  (INSEE workbooks);
* :func:`cell_text` is the one rule turning a workbook cell into text: an integral
  float ``3.0`` becomes ``"3"``, a date ``"2024-03-01"``.

Interpreting the text (numbers, codes, answers) is the caller's job.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from ctgstats.core.errors import InputError

__all__ = [
    "SEPARATORS",
    "Decoded",
    "TabularError",
    "TextTable",
    "cell_text",
    "decode",
    "read_delimited",
    "read_xlsx",
    "sniff_separator",
]

#: Separators a delimited file may use, in order of preference on ties.
SEPARATORS: tuple[str, ...] = (";", ",", "\t")

_BOM = b"\xef\xbb\xbf"
_SNIFF_RECORDS = 50


class TabularError(InputError, ValueError):
    """A table cannot be read; the message names the file, the line and the column.

    Parameters
    ----------
    reason
        French explanation of the problem.
    path
        The file.
    line
        1-based line (header counted; the row number of a workbook), if known.
    column
        The column concerned, if any.
    value
        The offending value, if any.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: Path | str,
        line: int | None = None,
        column: str | None = None,
        value: Any = None,
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.column = column
        self.value = value
        self.reason = reason
        parts = [str(self.path)]
        if line is not None:
            parts.append(f"ligne {line}")
        if column is not None:
            parts.append(f"colonne {column!r}")
        if value is not None:
            parts.append(f"valeur {value!r}")
        super().__init__(" : ".join(parts) + " : " + reason)


@dataclass(frozen=True)
class Decoded:
    """Text of a file and how it was decoded.

    Attributes
    ----------
    text : str
        The decoded text, without BOM.
    encoding : str
        ``utf-8-sig``, ``utf-8``, ``cp1252`` or ``latin-1``.
    bad_line, bad_byte : int or None
        Where UTF-8 decoding failed (1-based line, byte value), for a legacy encoding.
    """

    text: str
    encoding: str
    bad_line: int | None = None
    bad_byte: int | None = None

    @property
    def is_utf8(self) -> bool:
        """True for UTF-8 with or without BOM."""
        return self.encoding in ("utf-8", "utf-8-sig")


@dataclass
class TextTable:
    """A table as text: header, records padded to the header, their 1-based lines.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    header : list of str
        Column names, stripped of surrounding spaces.
    rows : list of list of str
        The non-blank records, each cut or padded to the header length.
    lines : list of int
        Line of each record (header counted; the workbook row number).
    header_line : int
        Line of the header.
    overflow : dict of int to str
        Line -> first non-empty cell right of the last header column.
    encoding, separator, sheet : str or None
        How the file was read.
    raw : list of list of object
        For a workbook, the original cell values of each record (same order as rows).
    """

    path: Path
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    header_line: int = 1
    overflow: dict[int, str] = field(default_factory=dict)
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    raw: list[list[Any]] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """Text of a workbook cell: the one rule used for every XLSX file.

    ``None`` is ``""``; an integral float (``3.0``) is ``"3"``, another float its
    ``repr``; a date is ``YYYY-MM-DD``; a datetime at midnight too, else
    ``YYYY-MM-DD HH:MM:SS``; a time ``HH:MM:SS``; booleans ``True``/``False``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def decode(data: bytes) -> Decoded:
    """Decode bytes as UTF-8 (BOM or not), else Windows-1252, else latin-1."""
    if data.startswith(_BOM):
        try:
            return Decoded(data[len(_BOM) :].decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError:
            data = data[len(_BOM) :]
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
    try:
        return Decoded(data.decode("cp1252"), "cp1252", line, byte)
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1", line, byte)


def sniff_separator(text: str) -> str:
    """The separator among ``;``, ``,`` and tab that splits the first records evenly.

    A separator giving every one of the first 50 non-blank records the same number
    (> 1) of fields wins, the widest first; otherwise the one most frequent in the
    header line; ``,`` for a file with one column.
    """

    def score(sep: str) -> tuple[bool, int]:
        records = [r for r in _records(text, sep, _SNIFF_RECORDS) if any(r)]
        if not records:
            return False, 0
        width = len(records[0])
        return width > 1 and all(len(r) == width for r in records), width

    scores = {sep: score(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: scores[sep])
    if scores[best][0]:
        return best
    return header_separator(next((ln for ln in text.splitlines() if ln.strip()), ""))


def header_separator(header: str, *, default: str = ",") -> str:
    """The separator most frequent in one header line (``default`` when none occurs)."""
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else default


def _records(text: str, separator: str, limit: int) -> Iterable[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    for index, record in enumerate(reader):
        if index >= limit:
            break
        yield record


def read_delimited(
    path: Path | str,
    *,
    text: Decoded | None = None,
    separator: str | None = None,
    header_only: bool = False,
    record_lines: bool = False,
) -> TextTable:
    """Read a delimited text file as text cells.

    Parameters
    ----------
    path
        The file.
    text
        Its already decoded text (default: read and :func:`decode` the file).
    separator
        Force a separator (default: :func:`sniff_separator`).
    header_only
        Stop after the header.
    record_lines
        Number records (header = 1, as a spreadsheet shows them) instead of the
        physical line where each record starts (they differ after a quoted newline).

    Returns
    -------
    TextTable
        Blank records are skipped.

    Raises
    ------
    TabularError
        Empty file, or a malformed record (unbalanced quotes).
    """
    path = Path(path)
    decoded = text if text is not None else decode(_text_bytes(path))
    sep = separator or sniff_separator(decoded.text)
    reader = csv.reader(io.StringIO(decoded.text, newline=""), delimiter=sep)
    table = TextTable(path, [], [], [], encoding=decoded.encoding, separator=sep)
    header: list[str] | None = None
    previous_end = 0
    try:
        for number, cells in enumerate(reader, start=1):
            start, previous_end = previous_end + 1, reader.line_num
            if record_lines:
                start = number
            if header is None:
                if not any(c.strip() for c in cells):
                    continue
                header = [c.strip() for c in cells]
                table.header, table.header_line = header, start
                if header_only:
                    break
                continue
            _add_record(table, cells, start)
    except csv.Error as exc:
        raise TabularError(
            f"CSV illisible ({exc}) ; vérifier les guillemets", path=path, line=reader.line_num
        ) from None
    if header is None:
        raise TabularError("fichier vide (pas de ligne d'en-tête)", path=path)
    return table


def _add_record(table: TextTable, cells: Sequence[str], line: int) -> bool:
    if not any(c.strip() for c in cells):
        return False
    width = len(table.header)
    extra = [c for c in cells[width:] if c.strip()]
    if extra:
        table.overflow[line] = extra[0]
    table.rows.append((list(cells) + [""] * width)[:width])
    table.lines.append(line)
    return True


def _text_bytes(path: Path) -> bytes:
    """The bytes of a delimited file, refused when they are a workbook or an archive."""
    data = _read_bytes(path)
    if data.startswith(b"PK\x03\x04"):
        raise TabularError(
            "le fichier est un classeur tableur (XLSX) ou une archive zip, pas un fichier "
            "CSV : l'enregistrer au format CSV, ou le renommer avec sa vraie extension",
            path=path,
        )
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise TabularError(
            "le fichier est un classeur Excel binaire (.xls), pas un fichier CSV : "
            "l'enregistrer au format CSV",
            path=path,
        )
    return data


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise TabularError("fichier introuvable", path=path) from None


def read_xlsx(
    source: Path | str | IO[bytes],
    *,
    path: Path | str | None = None,
    sheet: str | Callable[[list[str]], str] | None = None,
    is_header: Callable[[Sequence[Any]], bool] | None = None,
    header_search_rows: int = 1,
    header_only: bool = False,
    keep_raw: bool = False,
) -> TextTable:
    """Read one sheet of a workbook as text cells (:func:`cell_text`).

    Parameters
    ----------
    source
        The workbook file or a binary stream.
    path
        The path named in messages (default ``source``).
    sheet
        The sheet name, or a function choosing it from the sheet names (default: the
        first sheet).
    is_header
        Predicate on a row's values telling the header row; rows above it (INSEE
        titles) are skipped. Default: the first non-blank row.
    header_search_rows
        How many rows are scanned for the header.
    header_only
        Stop after the header.
    keep_raw
        Also keep the original cell values in :attr:`TextTable.raw`.

    Raises
    ------
    TabularError
        Unreadable workbook, unknown sheet, no header row.
    """
    import openpyxl

    where = Path(path if path is not None else source)  # type: ignore[arg-type]
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
        raise TabularError(f"classeur .xlsx illisible ({exc})", path=where) from None
    try:
        name = _sheet_name(workbook.sheetnames, sheet, where)
        rows = workbook[name].iter_rows(values_only=True)
        table = TextTable(where, [], [], [], sheet=name)
        header_row = _find_header(rows, table, is_header, header_search_rows)
        if not header_only:
            for number, values in enumerate(rows, start=header_row + 1):
                _add_sheet_row(table, values, number, keep_raw=keep_raw)
    finally:
        workbook.close()
    return table


def _sheet_name(
    names: list[str], sheet: str | Callable[[list[str]], str] | None, where: Path
) -> str:
    if not names:
        raise TabularError("classeur sans feuille", path=where)
    if sheet is None:
        return names[0]
    if callable(sheet):
        return sheet(names)
    if sheet not in names:
        raise TabularError(f"feuille {sheet!r} introuvable ; feuilles : {names}", path=where)
    return sheet


def _find_header(
    rows: Iterable[Sequence[Any]],
    table: TextTable,
    is_header: Callable[[Sequence[Any]], bool] | None,
    search_rows: int,
) -> int:
    for number, values in enumerate(rows, start=1):
        values = values or ()
        blank = all(v is None or v == "" for v in values)
        if is_header(values) if is_header is not None else not blank:
            width = max((i + 1 for i, v in enumerate(values) if v not in (None, "")), default=0)
            table.header = [cell_text(v).strip() for v in values[:width]]
            table.header_line = number
            return number
        if number >= max(search_rows, 1) and is_header is not None:
            break
    where = f"dans les {search_rows} premières lignes" if is_header is not None else ""
    raise TabularError(
        f"pas de ligne d'en-tête {where} de la feuille « {table.sheet} »".replace("  ", " "),
        path=table.path,
    )


def _add_sheet_row(
    table: TextTable, values: Sequence[Any] | None, number: int, *, keep_raw: bool
) -> None:
    if values is None or all(v is None or v == "" for v in values):
        return
    width = len(table.header)
    cells = list(values[:width]) + [None] * (width - len(values))
    extra = [v for v in values[width:] if v not in (None, "")]
    if extra:
        table.overflow[number] = cell_text(extra[0])
    table.rows.append([cell_text(v) for v in cells])
    table.lines.append(number)
    if keep_raw:
        table.raw.append(cells)
