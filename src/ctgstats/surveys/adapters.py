"""Read raw survey exports (LimeSurvey, Google Forms, KoboToolbox, plain CSV/XLSX).

Every adapter turns the export into exactly the tidy :class:`~ctgstats.surveys.model.SurveyData`
of :mod:`ctgstats.surveys.model`; :func:`ctgstats.surveys.quality.assess` then flags
duplicates, incomplete questionnaires and respondents outside the territory. The raw export
is read, never modified.

Formats
-------
``limesurvey``
    CSV export (``,`` or ``;``, UTF-8 with or without BOM) with question-code headings.
    System columns ``id``, ``submitdate`` (empty: incomplete), ``lastpage``,
    ``startlanguage``, ``seed``, ``startdate``, ``datestamp`` … Single choice: the answer code
    (``A1``) or, in a "full answers" export, the answer text. Multiple choice: one column per
    option, ``Q05[SQ001]`` (CSV export) or ``Q05_SQ001`` (R/SPSS style), holding ``Y``
    (full answers: ``Oui``/``Yes``) when ticked, empty or ``N``/``Non`` otherwise;
    ``Q05[other]`` is the "other" free text.
``googleforms``
    CSV of the responses sheet: first column ``Horodateur`` / ``Timestamp``, headers are the
    question texts, values the option labels, checkbox answers joined by ``", "``.
``kobo``
    KoboToolbox CSV (``;`` or ``,``) or XLSX: system columns ``start``, ``end``, ``_id``,
    ``_uuid``, ``_submission_time``, ``_index`` …; question columns may carry group paths
    (``grp_profil/age`` or ``grp_profil-age``). ``select_multiple``: per-option columns
    ``q/option`` with 1/0, or one column of space-separated XML codes.
``csv``
    Plain CSV or XLSX: one column per question named by the codebook ``column`` (or id);
    multiple choice as ``;``-separated codes in one cell, or one 0/1 column
    ``<column>_<code>`` per option; respondent id from an ``id`` column if present.

Lines
-----
A line number is the 1-based record number of the export with the header as line 1, i.e. the
row number a spreadsheet shows (a free-text answer spanning several physical lines of the CSV
still counts as one line).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ctgstats.core.errors import InputError
from ctgstats.data import tabular
from ctgstats.surveys import quality
from ctgstats.surveys.codebook import Codebook, Option, Question
from ctgstats.surveys.model import (
    ANSWER_COLUMNS,
    FORMATS,
    NON_RESPONSE,
    QUALITY_COLUMNS,
    RESPONDENT_COLUMNS,
    SurveyData,
)

__all__ = [
    "GOOGLE_TIMESTAMP_HEADERS",
    "KOBO_SYSTEM_COLUMNS",
    "LIMESURVEY_SYSTEM_COLUMNS",
    "OUT_OF_CODEBOOK",
    "OUT_OF_CODEBOOK_LABEL",
    "RawExport",
    "SurveyInputError",
    "detect_format",
    "is_system_column",
    "normalize_text",
    "read_export",
    "read_raw_export",
]

#: Code of an answer kept although it matches no option (``unknown_answers: report``).
OUT_OF_CODEBOOK = "__hors_codebook__"
OUT_OF_CODEBOOK_LABEL = "Réponse hors questionnaire"

#: LimeSurvey system columns (compared exactly).
LIMESURVEY_SYSTEM_COLUMNS: frozenset[str] = frozenset(
    {
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
        "token",
        "ipaddr",
        "refurl",
        "interviewtime",
    }
)
_LIMESURVEY_TIMINGS = re.compile(r"^(?:groupTime\d+|[A-Za-z][A-Za-z0-9]*Time)$")

#: First column of a Google Forms responses sheet (compared case-insensitively).
GOOGLE_TIMESTAMP_HEADERS: frozenset[str] = frozenset({"horodateur", "timestamp", "horodatage"})
_GOOGLE_SYSTEM_COLUMNS = frozenset(
    {
        "adresse e-mail",
        "adresse email",
        "adresse mail",
        "email address",
        "e-mail",
        "score",
        "nom d'utilisateur",
        "username",
    }
)

#: KoboToolbox metadata columns; any column starting with ``_`` is also a system column.
KOBO_SYSTEM_COLUMNS: frozenset[str] = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "username",
        "simserial",
        "subscriberid",
        "phonenumber",
        "audit",
        "__version__",
        "meta/instanceID",
        "meta/instanceName",
        "meta/rootUuid",
        "meta/deprecatedID",
        "formhub/uuid",
        "instanceID",
    }
)
_KOBO_MARKERS = (
    "_id",
    "_uuid",
    "_submission_time",
    "_index",
    "_status",
    "_validation_status",
    "_submitted_by",
    "__version__",
)
_LIMESURVEY_MARKERS = ("submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp")

#: Separators of group paths in KoboToolbox headers (``grp/q``; the export setting can be
#: changed to ``-``).
_KOBO_SEPARATORS = ("/", "-")

#: Cell values meaning "ticked" / "not ticked" in one-column-per-option exports
#: (LimeSurvey ``Y``/``N`` and their "full answers" ``Oui``/``Non``, Kobo ``1``/``0``).
TICKED = frozenset({"y", "yes", "oui", "1", "1.0", "true", "vrai", "x"})
UNTICKED = frozenset(
    {
        "",
        "n",
        "no",
        "non",
        "0",
        "0.0",
        "false",
        "faux",
        "not selected",
        "non sélectionné",
        "non selectionne",
        "non coché",
    }
)

_MAX_LISTED = 20
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")

Format = Literal["limesurvey", "googleforms", "kobo", "csv"]


class SurveyInputError(InputError, ValueError):
    """A survey export cannot be read with its codebook.

    The message names the file, the column, the line (1-based, header = 1) and the value,
    and says how to fix the problem.

    Attributes
    ----------
    path : pathlib.Path
        The export.
    column : str or None
        The export column (or expected column) concerned; the first one when several are.
    row : int or None
        The 1-based line (header = 1) concerned; the first one when several are.
    value : object
        The offending value, or None.
    problems : list of dict
        Every problem when several are reported at once (keys ``column``, ``row``,
        ``value``, ``question``).
    """

    def __init__(
        self,
        reason: str,
        *,
        path: Path | str,
        column: str | None = None,
        row: int | None = None,
        value: Any = None,
        problems: Sequence[dict[str, Any]] = (),
    ) -> None:
        self.path = Path(path)
        self.column = column
        self.row = row
        self.value = value
        self.problems = list(problems)
        self.reason = reason
        super().__init__(self._compose())

    def _compose(self) -> str:
        parts = [str(self.path)]
        if self.column is not None:
            parts.append(f"colonne {self.column!r}")
        if self.row is not None:
            parts.append(f"ligne {self.row}")
        if self.value is not None:
            parts.append(f"valeur {self.value!r}")
        return ", ".join(parts) + " : " + self.reason


# --------------------------------------------------------------------------- raw reading


@dataclass
class RawExport:
    """An export as strings: header, one list of cells per record, 1-based lines.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    header : list of str
        Column names, stripped of surrounding spaces (and of a UTF-8 BOM).
    rows : list of list of str
        The records, each padded to the header length; blank records are skipped.
    lines : list of int
        Line of each record (header = 1; the spreadsheet row number).
    encoding, separator, sheet : str or None
        How the file was read (``separator`` for CSV, ``sheet`` for XLSX).
    sheets : list of str
        Every sheet of a workbook, in order (empty for CSV).
    sheet_note : str or None
        Why ``sheet`` was read when it is not the first sheet (French).
    """

    path: Path
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    sheet_note: str | None = None

    @property
    def unread_sheets(self) -> list[str]:
        """The sheets of a workbook that were not read."""
        return [name for name in self.sheets if name != self.sheet]

    def column(self, index: int) -> list[str]:
        """All cells of column ``index``."""
        return [row[index] for row in self.rows]


def read_raw_export(path: Path | str, *, header_only: bool = False) -> RawExport:
    """Read a CSV or XLSX export as strings, without interpreting any value.

    Parameters
    ----------
    path : path-like
        The export (``.csv``/``.txt`` or ``.xlsx``). Of a workbook, the first sheet is
        read, unless it is empty or its header is no export's while exactly one other
        sheet's header is (:func:`_choose_sheet`).
    header_only : bool, keyword-only
        Read only the header (used to detect the format).

    Raises
    ------
    SurveyInputError
        Missing or empty file, malformed CSV (a record with more fields than the header).
    """
    path = Path(path)
    if not path.is_file():
        raise SurveyInputError(
            "fichier introuvable ; vérifier le chemin de l'export de l'enquête", path=path
        )
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(path, header_only=header_only)
    return _read_csv(path, data, header_only=header_only)


def _read_csv(path: Path, data: bytes, *, header_only: bool) -> RawExport:
    decoded = tabular.decode(data)
    notes = []
    if not decoded.is_utf8:
        notes.append(
            f"Le fichier {path.name} n'est pas en UTF-8 : lu en Windows-1252 "
            "(vérifier les accents)."
        )
    try:
        table = tabular.read_delimited(
            path, text=decoded, header_only=header_only, record_lines=True
        )
    except tabular.TabularError:
        table = None
    if table is None or not any(table.header):
        raise SurveyInputError(
            "fichier vide (pas de ligne d'en-tête) ; exporter à nouveau les réponses", path=path
        )
    _check_overflow(
        table,
        f"(séparateur {table.separator!r}) ; vérifier les guillemets autour des réponses "
        "qui contiennent le séparateur, ou exporter à nouveau le fichier",
    )
    return RawExport(
        path,
        table.header,
        table.rows,
        table.lines,
        encoding=decoded.encoding,
        separator=table.separator,
        notes=notes,
    )


def _check_overflow(table: tabular.TextTable, fix: str) -> None:
    if not table.overflow:
        return
    line = min(table.overflow)
    raise SurveyInputError(
        f"{len(table.header) + 1} champs ou plus mais l'en-tête en a {len(table.header)} {fix}",
        path=table.path,
        row=line,
        value=table.overflow[line][:80],
    )


def _read_xlsx(path: Path, *, header_only: bool) -> RawExport:
    sheets = _sheet_headers(path)
    name, note = _choose_sheet(path, sheets)
    try:
        table = tabular.read_xlsx(path, sheet=name, header_only=header_only)
    except tabular.TabularError as error:
        raise SurveyInputError(
            f"{error.reason} ; exporter à nouveau les réponses en CSV ou en XLSX", path=path
        ) from None
    _check_overflow(
        table,
        "(cellules à droite de la dernière colonne nommée) ; donner un nom à la colonne "
        "ou vider ces cellules",
    )
    return RawExport(
        path,
        table.header,
        table.rows,
        table.lines,
        sheet=table.sheet,
        sheets=[sheet for sheet, _ in sheets],
        sheet_note=note,
    )


def _sheet_headers(path: Path) -> list[tuple[str, list[str]]]:
    """Each sheet of a workbook with its header (first non-blank row; [] if none)."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
        raise SurveyInputError(
            f"classeur .xlsx illisible ({exc}) ; exporter à nouveau les réponses en CSV ou en XLSX",
            path=path,
        ) from None
    try:
        found = []
        for name in workbook.sheetnames:
            header: list[str] = []
            for values in workbook[name].iter_rows(values_only=True):
                cells = [tabular.cell_text(v).strip() for v in values or ()]
                if any(cells):
                    header = cells
                    break
            found.append((name, header))
    finally:
        workbook.close()
    return found


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"« {name} »" for name in names)


def _choose_sheet(path: Path, sheets: list[tuple[str, list[str]]]) -> tuple[str, str | None]:
    """The sheet holding the answers, and why it was read when not the first (French).

    The first sheet, unless it is empty, or its header is no export's (LimeSurvey, Google
    Forms, Kobo) while exactly one other sheet's is; when that is ambiguous, the first
    non-empty sheet if it is the first sheet, else an error listing the sheets.
    """
    if not sheets:
        raise SurveyInputError("classeur sans feuille ; exporter à nouveau les réponses", path=path)
    names = [name for name, _ in sheets]
    first, first_header = sheets[0]
    filled = [name for name, header in sheets if any(header)]
    marked = [name for name, header in sheets if _formats_of(header)]
    if first_header and (_formats_of(first_header) or not marked):
        return first, None
    if not filled:
        raise SurveyInputError(
            f"classeur vide : aucune feuille n'a de ligne d'en-tête (feuilles : {_quoted(names)})",
            path=path,
        )
    if not first_header and len(filled) == 1:
        return filled[0], f"la première feuille « {first} » est vide"
    if len(marked) == 1:
        fmt = _formats_of(dict(sheets)[marked[0]])[0]
        why = "est vide" if not first_header else "n'a pas l'en-tête d'un export"
        return marked[0], (
            f"seule feuille à l'en-tête d'un export {fmt} ; la première feuille « {first} » {why}"
        )
    if first_header:
        return first, None
    raise SurveyInputError(
        f"la première feuille « {first} » du classeur est vide et plusieurs feuilles ont des "
        f"données ({_quoted(filled)}) ; feuilles du classeur : {_quoted(names)}. Mettre les "
        "réponses dans la première feuille, ou supprimer les autres feuilles",
        path=path,
    )


# --------------------------------------------------------------------------- format


def detect_format(path: Path | str) -> str:
    """Guess the format of an export from its header.

    Returns
    -------
    str
        ``"limesurvey"`` (columns ``id`` and ``submitdate`` with ``lastpage`` or
        ``startlanguage``), ``"googleforms"`` (first column ``Horodateur``/``Timestamp``),
        ``"kobo"`` (at least two of ``_id``, ``_uuid``, ``_submission_time``, ``_index`` …)
        or ``"csv"`` (none of these markers).

    Raises
    ------
    SurveyInputError
        When the header carries markers of several formats, or only part of a format's
        markers: pass ``format=`` explicitly.
    """
    raw = read_raw_export(path, header_only=True)
    try:
        return _detect(raw)
    except SurveyInputError as error:
        raise _with_sheets(error, raw) from None


def _formats_of(header: Sequence[str]) -> list[str]:
    """The export formats whose markers are all in ``header`` (none, one or several)."""
    names = set(header)
    first = normalize_text(header[0]) if header else ""
    found = []
    if "id" in names and "submitdate" in names and {"lastpage", "startlanguage"} & names:
        found.append("limesurvey")
    if first in GOOGLE_TIMESTAMP_HEADERS:
        found.append("googleforms")
    if len([m for m in _KOBO_MARKERS if m in names]) >= 2:
        found.append("kobo")
    return found


def _detect(raw: RawExport) -> str:
    path = raw.path
    names = set(raw.header)
    lime_markers = [m for m in _LIMESURVEY_MARKERS if m in names]
    kobo_markers = [m for m in _KOBO_MARKERS if m in names]
    first = normalize_text(raw.header[0]) if raw.header else ""
    found = _formats_of(raw.header)
    if len(found) == 1:
        return found[0]
    choices = "format='limesurvey', 'googleforms', 'kobo' or 'csv'"
    if len(found) > 1:
        raise SurveyInputError(
            f"the header looks like several formats ({', '.join(found)});"
            f" pass {choices} to read_export",
            path=path,
            row=1,
        )
    partial = lime_markers + kobo_markers
    if partial or "horodat" in first or "timestamp" in first:
        raise SurveyInputError(
            "cannot tell the export format: some system columns are present "
            f"({', '.join(partial) or raw.header[0]}) but not enough to be sure; "
            f"pass {choices} to read_export",
            path=path,
            row=1,
        )
    return "csv"


def is_system_column(name: str, fmt: str) -> bool:
    """Whether ``name`` is a metadata column of format ``fmt`` (never a question)."""
    if fmt == "limesurvey":
        return name in LIMESURVEY_SYSTEM_COLUMNS or bool(_LIMESURVEY_TIMINGS.match(name))
    if fmt == "googleforms":
        key = normalize_text(name)
        return key in GOOGLE_TIMESTAMP_HEADERS or key in _GOOGLE_SYSTEM_COLUMNS
    if fmt == "kobo":
        return name in KOBO_SYSTEM_COLUMNS or name.startswith(
            ("_", "meta/", "formhub/", "meta-", "formhub-")
        )
    return name in ("id", "submitted_at")


# --------------------------------------------------------------------------- matching


def normalize_text(text: str) -> str:
    """NFC, typographic apostrophes, collapsed spaces, stripped, case-folded."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("ʼ", "'")
    return " ".join(text.split()).casefold()


def collapse_spaces(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("ʼ", "'")
    return " ".join(text.split())


class _OptionMatcher:
    """Match a cell value to an option code: codes first, then labels (normalised)."""

    def __init__(self, question: Question) -> None:
        self.question = question
        self.codes = {o.code: o.code for o in question.options}
        self.folded_codes = {normalize_text(o.code): o.code for o in question.options}
        self.labels = {normalize_text(o.label): o.code for o in question.options}
        self.digit_codes = [o.code for o in question.options if o.code.isdigit()]
        self.order = {o.code: i for i, o in enumerate(question.options)}
        self.zero_padded = False

    def match(self, value: str) -> str | None:
        value = value.strip()
        if value in self.codes:
            return value
        key = normalize_text(value)
        if key in self.folded_codes:
            return self.folded_codes[key]
        if key in self.labels:
            return self.labels[key]
        return self._lost_zeros(value)

    def _lost_zeros(self, value: str) -> str | None:
        """``1004`` for option ``01004``: a spreadsheet dropped the leading zeros."""
        if not value.isdigit():
            return None
        found = [
            c
            for c in self.digit_codes
            if len(c) > len(value) and c.lstrip("0") == value.lstrip("0")
        ]
        if len(found) == 1:
            self.zero_padded = True
            return found[0]
        return None


def _match_tick(value: str, option: Option | None) -> bool | None:
    """True (ticked), False (not ticked) or None (unrecognised) for an option column."""
    key = normalize_text(value)
    if key in UNTICKED:
        return False
    if key in TICKED:
        return True
    if option is not None and key in (normalize_text(option.code), normalize_text(option.label)):
        return True
    return None


def parse_number(value: str) -> float | None:
    text = value.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not _NUMBER.match(text):
        return None
    if "," in text:
        if "." in text:
            return None
        text = text.replace(",", ".")
    number = float(text)
    return number if math.isfinite(number) else None


# --------------------------------------------------------------------------- bindings


@dataclass
class _Binding:
    """Where the answers to one question are in the export."""

    question: Question
    kind: Literal["cell", "split", "options"]
    column: int | None = None
    option_columns: dict[int, str | None] = field(default_factory=dict)
    splitter: Callable[[str], list[str]] | None = None
    extra_columns: tuple[int, ...] = ()  # read but not used (Kobo summary column)


@dataclass
class _Unknown:
    """An answer matching no option of the codebook."""

    question: str
    respondent_id: str
    line: int
    column: str
    value: str


@dataclass
class _Context:
    raw: RawExport
    codebook: Codebook
    fmt: str
    used: set[int] = field(default_factory=set)
    quality_rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _question_keys(question: Question, fmt: str) -> list[str]:  # noqa: ARG001 - one signature for every export format
    keys = [question.source_column]
    if question.id not in keys:
        keys.append(question.id)
    return keys


def _text_keys(question: Question) -> list[str]:
    return [question.header] if question.header else [question.label]


def _multiple_keys(question: Question, fmt: str) -> list[str]:
    """Keys of one-column-per-option headers (Kobo "Labels" exports use the label)."""
    keys = _question_keys(question, fmt)
    return keys + _text_keys(question) if fmt == "kobo" else keys


def _exact_columns(header: Sequence[str], key: str) -> list[int]:
    found = [i for i, name in enumerate(header) if name == key]
    if found:
        return found
    folded = normalize_text(key)
    return [i for i, name in enumerate(header) if normalize_text(name) == folded]


def _kobo_columns(header: Sequence[str], key: str) -> list[int]:
    exact = _exact_columns(header, key)
    if exact:
        return exact
    folded = normalize_text(key)
    return [
        i
        for i, name in enumerate(header)
        if any(
            normalize_text(name).endswith(normalize_text(sep) + folded) for sep in _KOBO_SEPARATORS
        )
    ]


def _option_suffix(name: str, key: str, fmt: str) -> str | None:
    """The option part of a one-column-per-option header for question column ``key``."""
    if fmt == "limesurvey":
        if name.startswith(key + "[") and name.endswith("]"):
            return name[len(key) + 1 : -1]
        if name.startswith(key + "_"):
            return name[len(key) + 1 :]
        return None
    if fmt == "csv":
        return name[len(key) + 1 :] if name.startswith(key + "_") else None
    if fmt == "kobo":
        for sep in _KOBO_SEPARATORS:
            if sep not in name:
                continue
            head, option = name.rsplit(sep, 1)
            if head == key or any(head.endswith(s + key) for s in _KOBO_SEPARATORS):
                return option
        return None
    return None


def _option_code(question: Question, suffix: str) -> str | None:
    matcher = _OptionMatcher(question)
    value = suffix.strip()
    if value in matcher.codes:
        return value
    key = normalize_text(value)
    return matcher.folded_codes.get(key) or matcher.labels.get(key)


def _bind_all(ctx: _Context) -> list[_Binding]:
    """Bind every question to its column(s), in three passes.

    Single-column questions first (so that ``lieux_freq`` is never taken for an option
    column of ``lieux``), then multiple-choice questions, then the ``<qid>_autre`` text
    questions that fall back on LimeSurvey's ``Q05[other]`` column.
    """
    found: dict[str, _Binding] = {}
    questions = ctx.codebook.questions
    for question in questions:
        if question.type != "multiple":
            column = _find_column(ctx, question)
            if column is not None:
                ctx.used.add(column)
                found[question.id] = _Binding(question, "cell", column=column)
    for question in questions:
        if question.type == "multiple":
            binding = _bind_multiple(ctx, question)
            if binding is not None:
                found[question.id] = binding
    for question in questions:
        if question.id not in found and question.type == "text":
            column = _find_other_column(ctx, question)
            if column is not None:
                ctx.used.add(column)
                found[question.id] = _Binding(question, "cell", column=column)
    missing = [(q, *_expected(ctx, q)) for q in questions if q.id not in found]
    if missing:
        raise _missing_error(ctx, missing)
    return [found[q.id] for q in questions]


def _bind_multiple(ctx: _Context, question: Question) -> _Binding | None:
    if ctx.fmt != "googleforms":
        binding = _bind_option_columns(ctx, question)
        if binding is not None:
            return binding
    column = _find_column(ctx, question)
    if column is None:
        return None
    ctx.used.add(column)
    return _Binding(question, "split", column=column, splitter=_splitter(ctx, question))


def _find_column(ctx: _Context, question: Question) -> int | None:
    header = ctx.raw.header
    if ctx.fmt == "googleforms":
        candidates = _text_keys(question) + _question_keys(question, ctx.fmt)
        finder = _exact_columns
    elif ctx.fmt == "kobo":
        candidates = _question_keys(question, ctx.fmt) + _text_keys(question)
        finder = _kobo_columns
    else:
        candidates = _question_keys(question, ctx.fmt)
        if ctx.fmt == "csv":
            candidates += _text_keys(question)
        finder = _exact_columns
    for key in candidates:
        found = [i for i in finder(header, key) if i not in ctx.used]
        if len(found) > 1:
            names = ", ".join(repr(header[i]) for i in found)
            raise SurveyInputError(
                f"several columns ({names}) match question {question.id!r}; set "
                "'column' (or 'header') of the question in the codebook to the exact "
                "column name",
                path=ctx.raw.path,
                column=key,
                row=1,
            )
        if found:
            return found[0]
    return None


def _find_other_column(ctx: _Context, question: Question) -> int | None:
    """LimeSurvey ``Q05[other]`` for a text question ``<qid>_autre`` of the codebook."""
    if not question.id.endswith("_autre") or ctx.fmt not in ("limesurvey", "csv"):
        return None
    base_id = question.id.removesuffix("_autre")
    try:
        base = ctx.codebook.question(base_id)
    except KeyError:
        return None
    for suffix in ("[other]", "_other"):
        found = _exact_columns(ctx.raw.header, base.source_column + suffix)
        if found and found[0] not in ctx.used:
            return found[0]
    return None


def _bind_option_columns(ctx: _Context, question: Question) -> _Binding | None:
    columns: dict[int, str | None] = {}
    for key in _multiple_keys(question, ctx.fmt):
        for index, name in enumerate(ctx.raw.header):
            if index in ctx.used:
                continue
            suffix = _option_suffix(name, key, ctx.fmt)
            if suffix is None or not suffix:
                continue
            code = _option_code(question, suffix)
            if (
                code is None
                and normalize_text(suffix) in ("other", "autre")
                or code is None
                and suffix.endswith("comment")
            ):
                continue  # the "other" text or a comment: not an option
            columns[index] = code
        if columns:
            break
    if not columns:
        return None
    ctx.used.update(columns)
    extra: tuple[int, ...] = ()
    if ctx.fmt == "kobo":  # the summary column next to the per-option columns
        summary = [i for i in _find_summary(ctx, question) if i not in ctx.used]
        ctx.used.update(summary)
        extra = tuple(summary)
    return _Binding(question, "options", option_columns=columns, extra_columns=extra)


def _find_summary(ctx: _Context, question: Question) -> list[int]:
    for key in _multiple_keys(question, ctx.fmt):
        found = _kobo_columns(ctx.raw.header, key)
        if found:
            return found
    return []


def _splitter(ctx: _Context, question: Question) -> Callable[[str], list[str]]:
    if ctx.fmt == "googleforms":
        labels = sorted((collapse_spaces(o.label) for o in question.options), key=len, reverse=True)
        return lambda cell: split_checkbox_cell(cell, labels)
    if ctx.fmt == "kobo":
        return lambda cell: _split_kobo(cell, question)
    return lambda cell: [part.strip() for part in cell.split(";") if part.strip()]


def split_checkbox_cell(cell: str, labels: Sequence[str]) -> list[str]:
    """Split a Google Forms checkbox cell on the known option labels.

    Labels are joined by ``", "`` and may themselves contain a comma, so the cell is read
    from the start, matching the longest label first (greedy). A stretch matching no label
    (an "Autre" free text, an option missing from the codebook) is returned as one piece,
    up to the next ``", "`` followed by a known label.

    Parameters
    ----------
    cell : str
        The cell.
    labels : sequence of str
        The option labels of the question.

    Returns
    -------
    list of str
        The pieces, as written in the cell (spaces collapsed).
    """
    text = collapse_spaces(cell)
    ordered = sorted({collapse_spaces(label) for label in labels}, key=len, reverse=True)
    folded = [(label, label.casefold()) for label in ordered]
    pieces: list[str] = []
    position = 0
    while position < len(text):
        label = _label_at(text, position, folded)
        if label is not None:
            pieces.append(text[position : position + len(label)])
            position += len(label) + 2
            continue
        end = _next_known(text, position, folded)
        pieces.append(text[position:end].strip())
        position = end + 2
    return [piece for piece in pieces if piece]


def _label_at(text: str, position: int, folded: list[tuple[str, str]]) -> str | None:
    for label, key in folded:
        end = position + len(label)
        if text[position:end].casefold() == key and (
            end == len(text) or text.startswith(", ", end)
        ):
            return label
    return None


def _next_known(text: str, position: int, folded: list[tuple[str, str]]) -> int:
    search = position
    while True:
        comma = text.find(", ", search + 1)
        if comma < 0:
            return len(text)
        if _label_at(text, comma + 2, folded) is not None:
            return comma
        search = comma


def _split_kobo(cell: str, question: Question) -> list[str]:
    """Space-separated XML codes; a cell equal to one label is that label."""
    matcher = _OptionMatcher(question)
    tokens = cell.split()
    if all(matcher.match(t) is not None for t in tokens):
        return tokens
    if matcher.match(cell) is not None:
        return [cell.strip()]
    return tokens


def _expected(ctx: _Context, question: Question) -> tuple[str, list[str]]:
    header = ctx.raw.header
    if ctx.fmt == "googleforms":
        expected = _text_keys(question)[0]
        pool = {normalize_text(h): h for h in header}
        close = difflib.get_close_matches(normalize_text(expected), list(pool), n=3, cutoff=0.5)
        return expected, [pool[c] for c in close]
    key = question.source_column
    if question.type == "multiple" and ctx.fmt == "limesurvey":
        expected = f"{key}[<option code>] (or {key}_<option code>)"
    elif question.type == "multiple" and ctx.fmt == "kobo":
        expected = f"{key} or {key}/<option code>"
    elif question.type == "multiple":
        expected = f"{key} or {key}_<option code>"
    else:
        expected = key
    pool = {}
    for name in header:
        pool.setdefault(name, name)
        for sep in _KOBO_SEPARATORS:
            pool.setdefault(name.rsplit(sep, 1)[-1], name)
        pool.setdefault(re.split(r"[\[_]", name, maxsplit=1)[0], name)
    close = difflib.get_close_matches(key, list(pool), n=3, cutoff=0.5)
    return expected, list(dict.fromkeys(pool[c] for c in close))


def _missing_error(
    ctx: _Context, missing: list[tuple[Question, str, list[str]]]
) -> SurveyInputError:
    lines = []
    for question, expected, close in missing:
        hint = f"; close matches: {', '.join(repr(c) for c in close)}" if close else ""
        lines.append(f"  - question {question.id!r}: expected column {expected!r}{hint}")
    where = "'header' (or 'label')" if ctx.fmt == "googleforms" else "'column'"
    reason = (
        f"{len(missing)} question(s) of the codebook have no column in this "
        f"{ctx.fmt} export:\n"
        + "\n".join(lines)
        + f"\nFix: set {where} of each question in the codebook to the export's "
        "column, or remove the question from the codebook."
    )
    return SurveyInputError(
        reason,
        path=ctx.raw.path,
        column=missing[0][1],
        problems=[
            {"question": q.id, "column": e, "row": None, "value": None, "close_matches": c}
            for q, e, c in missing
        ],
    )


def _flag_unused_columns(ctx: _Context) -> None:
    for index, name in enumerate(ctx.raw.header):
        if index in ctx.used or is_system_column(name, ctx.fmt):
            continue
        cells = ctx.raw.column(index)
        if not name and not any(c.strip() for c in cells):
            continue
        shown = name or f"(colonne {index + 1} sans nom)"
        other = _other_of(ctx, name)
        if other is not None:
            treatment = (
                f"conservée dans l'export, non analysée (déclarer une question "
                f"texte « {other}_autre » pour l'analyser)"
            )
        else:
            treatment = "ignorée"
        ctx.quality_rows.append(
            _quality_row(quality.PROBLEM_UNKNOWN_COLUMN, "", None, shown, "", treatment)
        )


def _other_of(ctx: _Context, name: str) -> str | None:
    """The question id whose "other" free text is column ``name`` (LimeSurvey)."""
    if ctx.fmt not in ("limesurvey", "csv"):
        return None
    for question in ctx.codebook.questions:
        key = question.source_column
        if name in (f"{key}[other]", f"{key}_other"):
            return question.id
    return None


# --------------------------------------------------------------------------- answers


def _respondent_meta(ctx: _Context) -> pd.DataFrame:
    raw = ctx.raw
    header = raw.header
    n = len(raw.rows)
    lines = raw.lines

    def column(*names: str) -> list[str] | None:
        for name in names:
            if name in header:
                return [c.strip() for c in raw.column(header.index(name))]
        return None

    generated = [f"r{line}" for line in lines]
    if ctx.fmt == "limesurvey":
        ids = column("id")
        submit = column("submitdate")
        if ids is None or submit is None:
            missing = "id" if ids is None else "submitdate"
            raise SurveyInputError(
                f"a LimeSurvey export needs the column {missing!r}; export the responses "
                "with all columns, or pass another format",
                path=raw.path,
                column=missing,
                row=1,
            )
        submitted, complete = submit, [bool(s) for s in submit]
    elif ctx.fmt == "googleforms":
        ids = generated
        stamp = [h for h in header if normalize_text(h) in GOOGLE_TIMESTAMP_HEADERS]
        stamped = column(*stamp) if stamp else None
        submitted, complete = stamped or [""] * n, [True] * n
    elif ctx.fmt == "kobo":
        ids = column("_uuid", "_id") or generated
        submitted = column("_submission_time", "end") or [""] * n
        complete = [True] * n
    else:
        ids = column("id") or generated
        submitted = column("submitted_at") or [""] * n
        complete = [True] * n
    ids = [rid or gen for rid, gen in zip(ids, generated)]
    ids = quality.mark_repeated_ids(ids, lines)
    return pd.DataFrame(
        {
            "respondent_id": pd.Series(ids, dtype="str"),
            "row": pd.Series(lines, dtype="int64"),
            "submitted_at": pd.Series(submitted, dtype="str"),
            "complete": pd.Series(complete, dtype="bool"),
            "included": pd.Series([True] * n, dtype="bool"),
            "exclusion": pd.Series([""] * n, dtype="str"),
        }
    )


def _answers(
    ctx: _Context, bindings: list[_Binding], ids: list[str]
) -> tuple[list[tuple[str, str, str, float, str]], list[_Unknown]]:
    rows: list[tuple[str, str, str, float, str]] = []
    unknown: list[_Unknown] = []
    matchers = {b.question.id: _OptionMatcher(b.question) for b in bindings}
    for rid, line, cells in zip(ids, ctx.raw.lines, ctx.raw.rows):
        for binding in bindings:
            matcher = matchers[binding.question.id]
            codes, values, texts, bad = _answer(binding, cells, matcher, ctx.raw.header)
            qid = binding.question.id
            for name, value in bad:
                unknown.append(_Unknown(qid, rid, line, name, value))
                codes.append(OUT_OF_CODEBOOK)
            if binding.question.type in ("numeric", "text"):
                for number, text in zip(values, texts):
                    code = NON_RESPONSE if number is None and text is None else ""
                    rows.append(
                        (rid, qid, code, math.nan if number is None else number, text or "")
                    )
                for code in codes:
                    rows.append((rid, qid, code, math.nan, ""))
                continue
            if not codes:
                codes = [NON_RESPONSE]
            for code in _ordered(codes, matcher):
                rows.append((rid, qid, code, math.nan, ""))
    for binding in bindings:
        if matchers[binding.question.id].zero_padded:
            ctx.notes.append(
                f"Question « {binding.question.id} » : des codes ont perdu leurs zéros à "
                "gauche dans l'export (tableur) ; ils ont été complétés (ex. 1004 → 01004)."
            )
    return rows, unknown


def _ordered(codes: list[str], matcher: _OptionMatcher) -> list[str]:
    unique = list(dict.fromkeys(c for c in codes if c != OUT_OF_CODEBOOK))
    unique.sort(key=lambda c: matcher.order.get(c, len(matcher.order)))
    return unique + [OUT_OF_CODEBOOK] * codes.count(OUT_OF_CODEBOOK)


def _answer(
    binding: _Binding, cells: list[str], matcher: _OptionMatcher, header: list[str]
) -> tuple[list[str], list[float | None], list[str | None], list[tuple[str, str]]]:
    """Codes, numeric values, texts and unmatched (column, value) pairs of one answer."""
    question = binding.question
    bad: list[tuple[str, str]] = []
    codes: list[str] = []
    if binding.kind == "options":
        for index, code in binding.option_columns.items():
            value = cells[index]
            option = question.option(code) if code is not None else None
            ticked = _match_tick(value, option)
            if ticked is None or (ticked and code is None):
                bad.append((header[index], value.strip()))
            elif ticked and code is not None:
                codes.append(code)
        return codes, [], [], bad
    assert binding.column is not None
    cell = cells[binding.column]
    name = header[binding.column]
    if question.type == "text":
        text = cell.replace("\r\n", "\n").replace("\r", "\n")
        return [], [None], [text if text.strip() else None], []
    if not cell.strip():
        return ([], [None], [None], []) if question.type == "numeric" else ([], [], [], [])
    if question.type == "numeric":
        number = parse_number(cell)
        if number is None:
            return [], [], [], [(name, cell.strip())]
        return [], [number], [None], []
    if binding.kind == "split":
        assert binding.splitter is not None
        pieces = binding.splitter(cell)
    else:
        pieces = [cell]
    for piece in pieces:
        code = matcher.match(piece)
        if code is None:
            bad.append((name, piece.strip()))
        else:
            codes.append(code)
    return codes, [], [], bad


def _unknown_error(ctx: _Context, unknown: list[_Unknown]) -> SurveyInputError:
    listed = [
        f"  - {ctx.raw.path}, column {u.column!r}, line {u.line}, value {u.value!r} "
        f"(question {u.question!r})"
        for u in unknown[:_MAX_LISTED]
    ]
    more = len(unknown) - len(listed)
    if more:
        listed.append(f"  … and {more} more")
    hint = ""
    if ctx.fmt == "kobo":
        hint = (
            " For a select_multiple exported with labels, export the per-option "
            "columns (multiple select: 'details' or 'both') or XML values."
        )
    reason = (
        f"{len(unknown)} answer(s) match no option of the codebook:\n"
        + "\n".join(listed)
        + "\nFix: add the option to the codebook (code or label), or correct the "
        "export, or set survey.unknown_answers: report to keep them as "
        f"« {OUT_OF_CODEBOOK_LABEL.lower()} ».{hint}"
    )
    first = unknown[0]
    return SurveyInputError(
        reason,
        path=ctx.raw.path,
        column=first.column,
        row=first.line,
        value=first.value,
        problems=[
            {"question": u.question, "column": u.column, "row": u.line, "value": u.value}
            for u in unknown
        ],
    )


def _quality_row(
    problem: str, respondent_id: str, line: int | None, column: str, value: str, treatment: str
) -> dict[str, Any]:
    return {
        "probleme": problem,
        "respondent_id": respondent_id,
        "ligne": line,
        "colonne": column,
        "valeur": value,
        "traitement": treatment,
    }


def _descriptors(codebook: Codebook, answers: pd.DataFrame, ids: list[str]) -> dict[str, list[str]]:
    columns = {}
    for name, question in codebook.descriptors.items():
        chosen = answers[answers["question"] == question.id]
        by_id = dict(zip(chosen["respondent_id"], chosen["code"]))
        columns[name] = [
            "" if by_id.get(rid, NON_RESPONSE) == NON_RESPONSE else by_id[rid] for rid in ids
        ]
    return columns


def _answers_frame(rows: list[tuple[str, str, str, float, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=ANSWER_COLUMNS)
    return frame.astype(
        {
            "respondent_id": "str",
            "question": "str",
            "code": "str",
            "value": "float64",
            "text": "str",
        }
    )


def quality_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """A quality table with the columns and dtypes of :data:`QUALITY_COLUMNS`."""
    frame = pd.DataFrame(list(rows), columns=QUALITY_COLUMNS)
    return frame.astype(
        {
            "probleme": "str",
            "respondent_id": "str",
            "ligne": "Int64",
            "colonne": "str",
            "valeur": "str",
            "traitement": "str",
        }
    )


# --------------------------------------------------------------------------- entry point


def read_export(
    path: Path | str,
    *,
    codebook: Codebook,
    format: str | None = None,  # noqa: A002 - the public option name
    territory_communes: Collection[str] | None = None,
) -> SurveyData:
    """Read a survey export into the tidy :class:`SurveyData` of the contract.

    Parameters
    ----------
    path : path-like
        The raw export (CSV or XLSX), never modified.
    codebook : Codebook
        The survey's codebook: which column holds which question, and the options.
    format : str, optional, keyword-only
        ``"limesurvey"``, ``"googleforms"``, ``"kobo"`` or ``"csv"``; detected from the
        header when omitted (:func:`detect_format`).
    territory_communes : collection of str, optional, keyword-only
        INSEE codes of the territory's communes: respondents of a ``commune`` descriptor
        outside them are excluded (see :func:`ctgstats.surveys.quality.assess`).

    Returns
    -------
    SurveyData
        Respondents (all of them, with ``included``/``exclusion``), long answers and the
        data-quality table.

    Raises
    ------
    SurveyInputError
        Unreadable file, unknown format, a codebook question without a column (with close
        matches), answers matching no option when ``survey.unknown_answers`` is ``error``
        (all of them listed in one error).
    """
    path = Path(path)
    fmt = format or detect_format(path)
    if fmt not in FORMATS:
        raise SurveyInputError(
            f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}", path=path
        )
    raw = read_raw_export(path)
    ctx = _Context(raw, codebook, fmt, notes=list(raw.notes))
    try:
        respondents = _respondent_meta(ctx)
        bindings = _bind_all(ctx)
        ids = respondents["respondent_id"].tolist()
        rows, unknown = _answers(ctx, bindings, ids)
        if unknown and codebook.survey.unknown_answers == "error":
            raise _unknown_error(ctx, unknown)
    except SurveyInputError as error:
        raise _with_sheets(error, raw) from None
    for u in unknown:
        ctx.quality_rows.append(
            _quality_row(
                quality.PROBLEM_OUT_OF_CODEBOOK,
                u.respondent_id,
                u.line,
                u.column,
                u.value,
                f"conservé comme « {OUT_OF_CODEBOOK_LABEL.lower()} »",
            )
        )
    _flag_unused_columns(ctx)
    answers = _answers_frame(rows)
    for name, values in _descriptors(codebook, answers, ids).items():
        respondents[name] = pd.Series(values, dtype="str")
    respondents = respondents[RESPONDENT_COLUMNS + list(codebook.descriptors)]
    data = SurveyData(
        survey_id=codebook.survey.id,
        source=str(path),
        format=fmt,
        respondents=respondents,
        answers=answers,
        quality=quality_frame(ctx.quality_rows),
        notes=[_reading_note(raw)] + ctx.notes,
    )
    columns = {b.question.id: _binding_column(b, raw.header) for b in bindings}
    return quality.assess(
        data, codebook=codebook, territory_communes=territory_communes, columns=columns
    )


def _binding_column(binding: _Binding, header: list[str]) -> str:
    if binding.column is not None:
        return header[binding.column]
    return ", ".join(header[i] for i in binding.option_columns)


def _with_sheets(error: SurveyInputError, raw: RawExport) -> SurveyInputError:
    """``error``, saying which sheet of a workbook was read when it has others."""
    if not raw.unread_sheets:
        return error
    return SurveyInputError(
        f"{error.reason} (seule la feuille « {raw.sheet} » a été lue ; autres feuilles du "
        f"classeur : {_quoted(raw.unread_sheets)})",
        path=error.path,
        column=error.column,
        row=error.row,
        value=error.value,
        problems=error.problems,
    )


def _reading_note(raw: RawExport) -> str:
    if raw.sheet:
        how = f"feuille « {raw.sheet} »"
        if raw.sheet_note:
            how += f" ({raw.sheet_note})"
        elif raw.unread_sheets:
            how += f" (autres feuilles non lues : {_quoted(raw.unread_sheets)})"
    else:
        how = f"séparateur « {raw.separator} », encodage {raw.encoding}"
    return f"Fichier d'export de l'outil d'enquête lu : {len(raw.rows)} questionnaire(s), {how}."
