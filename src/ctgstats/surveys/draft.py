"""Draft a codebook from a survey export, for the analyst to check and edit.

:func:`draft_codebook` reads an export (never modified) and writes the YAML text of a
codebook with one question per question column: LimeSurvey ``Q05[SQ001]`` … and Kobo
``q/option`` columns are grouped into one multiple-choice question, Google Forms checkbox
answers (``", "``-joined labels) are detected, the type is guessed, the options are the
distinct values sorted by frequency. Every guess carries a ``# TODO`` comment (type,
respondent descriptor, census groups, labels): the draft is a starting point, not a
codebook to use unread.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ctgstats.core.params import ParamsError
from ctgstats.surveys.adapters import (
    TICKED,
    UNTICKED,
    RawExport,
    collapse_spaces,
    detect_format,
    is_system_column,
    normalize_text,
    parse_number,
    read_raw_export,
    split_checkbox_cell,
)
from ctgstats.surveys.model import FORMATS

__all__ = ["draft_codebook"]

_SURVEY_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
_CODE_LIKE = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")
_LIMESURVEY_SUB = re.compile(r"^([A-Za-z][A-Za-z0-9]*)(?:\[([^\]]+)\]|_([A-Za-z0-9]+))$")
_LEADING_ZERO = re.compile(r"^0\d")
_BINARY = frozenset({"", "0", "1", "0.0", "1.0", "true", "false"})
_AGE_GROUPS = (
    (0, 14, "0014"),
    (15, 29, "1529"),
    (30, 44, "3044"),
    (45, 59, "4559"),
    (60, 74, "6074"),
    (75, 89, "7589"),
    (90, None, "90P"),
)
_ID_LENGTH = 40


@dataclass
class _DraftOption:
    code: str
    label: str
    count: int
    census: list[str] | None = None
    todo: list[str] = field(default_factory=list)


@dataclass
class _DraftQuestion:
    id: str
    label: str
    type: str
    column: str | None
    options: list[_DraftOption] = field(default_factory=list)
    describes: str | None = None
    todo_label: bool = False
    todo_type: str = ""
    answered: int = 0


def draft_codebook(path: Path | str, *, format: str | None = None, survey_id: str) -> str:  # noqa: A002 - the public option name
    """Draft the YAML codebook of an export.

    Parameters
    ----------
    path : path-like
        The raw export (CSV or XLSX).
    format : str, optional, keyword-only
        ``"limesurvey"``, ``"googleforms"``, ``"kobo"`` or ``"csv"``; detected when omitted.
    survey_id : str, keyword-only
        The survey id (lower case letters, digits, ``_`` and ``-``), used in file names.

    Returns
    -------
    str
        YAML text that :func:`ctgstats.surveys.codebook.parse_codebook` accepts once loaded
        with ``yaml.safe_load``; ``# TODO`` comments mark every guess.

    Raises
    ------
    ParamsError
        Invalid ``survey_id`` or format.
    SurveyInputError
        Unreadable export.
    """
    if not _SURVEY_ID.match(survey_id):
        raise ParamsError(
            f"survey_id (--id) : {survey_id!r} doit être fait de minuscules, "
            "chiffres, '_' ou '-' (ex. 'habitants-2025')"
        )
    fmt = format or detect_format(path)
    if fmt not in FORMATS:
        raise ParamsError(f"--format : format inconnu {fmt!r} ; attendu : {', '.join(FORMATS)}")
    raw = read_raw_export(path)
    drafters: dict[str, Callable[[RawExport], list[_DraftQuestion]]] = {
        "limesurvey": _draft_limesurvey,
        "googleforms": _draft_googleforms,
        "kobo": _draft_kobo,
        "csv": _draft_csv,
    }
    questions = drafters[fmt](raw)
    _unique_ids(questions)
    _guess_descriptors(questions)
    return _render(questions, raw, fmt, survey_id)


# --------------------------------------------------------------------------- per format


def _question_columns(raw: RawExport, fmt: str) -> list[int]:
    return [i for i, name in enumerate(raw.header) if name and not is_system_column(name, fmt)]


def _draft_limesurvey(raw: RawExport) -> list[_DraftQuestion]:
    groups: dict[str, list[tuple[str, int]]] = {}
    items: list[tuple[int, str | int]] = []  # (first column, group name or column)
    for index in _question_columns(raw, "limesurvey"):
        match = _LIMESURVEY_SUB.match(raw.header[index])
        if match is None:
            items.append((index, index))
            continue
        base, sub = match.group(1), match.group(2) or match.group(3)
        if base not in groups:
            groups[base] = []
            items.append((index, base))
        groups[base].append((sub, index))
    questions: list[_DraftQuestion] = []
    for _, item in items:
        if isinstance(item, int):
            questions.append(_guess(raw, item, column=raw.header[item], fmt="limesurvey"))
        else:
            questions.extend(_draft_limesurvey_group(raw, item, groups[item]))
    return questions


def _draft_limesurvey_group(
    raw: RawExport, base: str, subs: list[tuple[str, int]]
) -> list[_DraftQuestion]:
    """``Q05[SQ001]``…: a multiple choice when the cells are ticks, else one question each."""
    options = [(s, i) for s, i in subs if not _is_other(s)]
    others = [(s, i) for s, i in subs if _is_other(s)]
    questions = []
    ticks = all(normalize_text(v) in TICKED | UNTICKED for _, i in options for v in raw.column(i))
    if options and ticks:
        questions.append(_multiple_from_columns(raw, base, base, options, ticked=TICKED))
    else:
        for sub, index in options:
            question = _guess(raw, index, column=raw.header[index], fmt="limesurvey")
            question.id = _slug(f"{base}_{sub}")
            questions.append(question)
    for _sub, index in others:
        question = _text_question(
            raw, index, id_=_slug(base) + "_autre", label=f"{base} : autre (précisez)"
        )
        question.todo_label = True
        questions.append(question)
    return questions


def _is_other(sub: str) -> bool:
    return sub.lower() == "other" or sub.lower().endswith("comment")


def _draft_googleforms(raw: RawExport) -> list[_DraftQuestion]:
    questions = []
    for index in _question_columns(raw, "googleforms"):
        if index == 0:
            continue  # the timestamp
        question = _guess(raw, index, column=None, fmt="googleforms")
        question.label = collapse_spaces(raw.header[index])
        question.todo_label = False
        question.id = _slug(question.label)
        questions.append(question)
    return questions


def _draft_kobo(raw: RawExport) -> list[_DraftQuestion]:
    columns = _question_columns(raw, "kobo")
    names = {raw.header[i]: i for i in columns}
    head: str | None  # the group of a column of a multiple-choice question
    groups: dict[str, list[tuple[str, int]]] = {}
    for index in columns:
        name = raw.header[index]
        if "/" in name:
            head, option = name.rsplit("/", 1)
            groups.setdefault(head, []).append((option, index))
    multiple = {
        head: subs
        for head, subs in groups.items()
        if _all_binary(raw, [i for _, i in subs]) and (head in names or len(subs) >= 2)
    }
    grouped = {i for subs in multiple.values() for _, i in subs} | {
        names[h] for h in multiple if h in names
    }
    questions = []
    done: set[str] = set()
    for index in columns:
        name = raw.header[index]
        head = name if name in multiple else name.rsplit("/", 1)[0] if "/" in name else None
        if head is not None and head in multiple:
            if head not in done:
                done.add(head)
                key = head.rsplit("/", 1)[-1]
                questions.append(
                    _multiple_from_columns(
                        raw, key, key, multiple[head], ticked=frozenset({"1", "1.0", "true"})
                    )
                )
            continue
        if index in grouped:
            continue
        key = name.rsplit("/", 1)[-1]
        question = _guess(raw, index, column=key, fmt="kobo")
        question.id = _slug(key)
        questions.append(question)
    return questions


def _draft_csv(raw: RawExport) -> list[_DraftQuestion]:
    columns = _question_columns(raw, "csv")
    head: str | None  # the group of a column of a multiple-choice question
    groups: dict[str, list[tuple[str, int]]] = {}
    for index in columns:
        name = raw.header[index]
        if "_" in name:
            head, option = name.rsplit("_", 1)
            groups.setdefault(head, []).append((option, index))
    multiple = {
        head: subs
        for head, subs in groups.items()
        if len(subs) >= 2 and _all_binary(raw, [i for _, i in subs])
    }
    questions = []
    done: set[str] = set()
    for index in columns:
        name = raw.header[index]
        head = name.rsplit("_", 1)[0] if "_" in name else None
        if head is not None and head in multiple:
            if head not in done:
                done.add(head)
                questions.append(
                    _multiple_from_columns(
                        raw, head, head, multiple[head], ticked=frozenset({"1", "1.0", "true"})
                    )
                )
            continue
        question = _guess(raw, index, column=name, fmt="csv")
        question.id = _slug(name)
        questions.append(question)
    return questions


def _all_binary(raw: RawExport, indexes: Sequence[int]) -> bool:
    return all(normalize_text(v) in _BINARY for i in indexes for v in raw.column(i))


def _multiple_from_columns(
    raw: RawExport, key: str, column: str, subs: list[tuple[str, int]], ticked: frozenset[str]
) -> _DraftQuestion:
    options = []
    answered = 0
    for sub, index in subs:
        count = sum(normalize_text(v) in ticked for v in raw.column(index))
        options.append(_DraftOption(sub, sub, count, todo=["libellé"]))
    for row in raw.rows:
        answered += any(normalize_text(row[i]) in ticked for _, i in subs)
    return _DraftQuestion(
        _slug(key),
        key,
        "multiple",
        column,
        options,
        todo_label=True,
        todo_type="choix multiple (une colonne par option)",
        answered=answered,
    )


def _text_question(raw: RawExport, index: int, *, id_: str, label: str) -> _DraftQuestion:
    answered = sum(bool(v.strip()) for v in raw.column(index))
    return _DraftQuestion(id_, label, "text", raw.header[index], answered=answered)


# --------------------------------------------------------------------------- guessing


def _guess(raw: RawExport, index: int, *, column: str | None, fmt: str) -> _DraftQuestion:
    """Guess the type and options of one question column."""
    name = raw.header[index]
    values = [v.strip() for v in raw.column(index) if v.strip()]
    question = _DraftQuestion(
        _slug(column or name),
        name,
        "text",
        column,
        todo_label=fmt != "googleforms",
        answered=len(values),
    )
    if not values:
        question.todo_type = "colonne vide : type à préciser"
        return question
    split = _detect_multiple(values, fmt)
    if split is not None:
        question.type = "multiple"
        question.todo_type = "choix multiple deviné (réponses combinées dans une cellule)"
        question.options = _options(split, fmt)
        return question
    if _all_numeric(values):
        question.type = "numeric"
        question.todo_type = "numérique deviné (toutes les réponses sont des nombres)"
        return question
    if _looks_like_text(values):
        question.type = "text"
        question.todo_type = "texte libre deviné (réponses longues et variées)"
        return question
    question.type = "single"
    question.todo_type = "choix unique deviné (ou likert si les options sont ordonnées)"
    question.options = _options([[v] for v in values], fmt)
    return question


def _all_numeric(values: Sequence[str]) -> bool:
    return all(parse_number(v) is not None and not _LEADING_ZERO.match(v) for v in values)


def _looks_like_text(values: Sequence[str]) -> bool:
    lengths = [len(v) for v in values]
    mean = sum(lengths) / len(lengths)
    distinct = len(set(values)) / len(values)
    return max(lengths) > 80 or mean > 30 or (distinct > 0.6 and mean > 15)


def _detect_multiple(values: Sequence[str], fmt: str) -> list[list[str]] | None:
    """Pieces of each cell when the column holds combined answers, else None."""
    if fmt == "googleforms":
        return _detect_checkbox(values)
    if fmt == "kobo":
        return _detect_joined(values, lambda v: v.split(), code_like=True)
    if fmt == "csv":
        return _detect_joined(
            values, lambda v: [p.strip() for p in v.split(";") if p.strip()], code_like=False
        )
    return None


def _detect_joined(
    values: Sequence[str], split: Callable[[str], list[str]], *, code_like: bool
) -> list[list[str]] | None:
    pieces = [split(v) for v in values]
    if not any(len(p) > 1 for p in pieces):
        return None
    tokens = [t for p in pieces for t in p]
    distinct = set(tokens)
    if code_like and not all(_CODE_LIKE.match(t) for t in distinct):
        return None
    if len(distinct) > 40 or len(distinct) > len(tokens) / 2:
        return None
    # an option chosen alone by someone and combined with others by someone else
    alone = {p[0] for p in pieces if len(p) == 1}
    combined = {t for p in pieces if len(p) > 1 for t in p}
    return pieces if alone & combined else None


def _detect_checkbox(values: Sequence[str]) -> list[list[str]] | None:
    """Google Forms checkbox: cells made of other cells joined by ``", "``."""
    cells = [collapse_spaces(v) for v in values]
    if not any(", " in c for c in cells):
        return None
    atoms = set(cells)
    combos = {c for c in atoms if ", " in c and _decompose(c, atoms - {c}) is not None}
    if not combos:
        return None
    labels = sorted(atoms - combos, key=len, reverse=True)
    return [split_checkbox_cell(c, labels) for c in cells]


def _decompose(cell: str, atoms: set[str]) -> list[str] | None:
    """Split ``cell`` into at least two of ``atoms`` joined by ``", "`` (depth-first)."""
    ordered = sorted(atoms, key=len, reverse=True)

    def walk(position: int) -> list[str] | None:
        if position == len(cell):
            return []
        for atom in ordered:
            end = position + len(atom)
            if cell.startswith(atom, position) and (end == len(cell) or cell.startswith(", ", end)):
                rest = walk(min(end + 2, len(cell)) if end < len(cell) else end)
                if rest is not None:
                    return [atom, *rest]
        return None

    parts = walk(0)
    return parts if parts is not None and len(parts) >= 2 else None


def _options(pieces: Sequence[Sequence[str]], fmt: str) -> list[_DraftOption]:
    """Distinct values by decreasing frequency; values equal once normalised are one."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for cell in pieces:
        for value in dict.fromkeys(cell):
            key = normalize_text(value)
            counts[key] += 1
            spellings.setdefault(key, Counter())[collapse_spaces(value)] += 1
    keys = sorted(counts, key=lambda k: -counts[k])  # stable: first seen on ties
    shown = {k: spellings[k].most_common(1)[0][0] for k in keys}
    counts = Counter({shown[k]: counts[k] for k in keys})
    ordered = [shown[k] for k in keys]
    codes_given = fmt != "googleforms" and all(_CODE_LIKE.match(v) for v in ordered)
    options = []
    for number, value in enumerate(ordered, start=1):
        if codes_given:
            options.append(_DraftOption(value, value, counts[value], todo=["libellé"]))
        else:
            todo = ["libellé contenant une virgule : vérifier"] if ", " in value else []
            options.append(_DraftOption(f"A{number}", value, counts[value], todo=todo))
    return options


# --------------------------------------------------------------------------- descriptors


def _guess_descriptors(questions: list[_DraftQuestion]) -> None:
    taken: set[str] = set()
    for question in questions:
        if question.type != "single":
            continue
        name = _descriptor_of(question)
        if name is None or name in taken:
            continue
        taken.add(name)
        question.describes = name
        if name == "sexe":
            for option in question.options:
                option.census = _sex_group(option)
                option.todo.append("census deviné" if option.census else 'census : ["H"] ou ["F"]')
        if name == "age":
            for option in question.options:
                option.census = _age_groups(option.label)
                option.todo.append(
                    "census deviné"
                    if option.census
                    else 'census : groupes d\'âge INSEE, ex. ["1529"]'
                )


def _descriptor_of(question: _DraftQuestion) -> str | None:
    text = normalize_text(f"{question.id} {question.label}").replace("_", " ")
    labels = {normalize_text(o.label) for o in question.options}
    codes = [o.code for o in question.options]
    if (
        re.search(r"\b(?:sexe|genre)\b", text)
        or set(codes) in ({"H", "F"}, {"M", "F"})
        or any(lab.startswith(("homme", "un homme", "femme", "une femme")) for lab in labels)
    ):
        return "sexe"
    if (
        re.search(r"\bcommune\b", text)
        or sum(bool(re.match(r"^(?:\d{5}|2[AB]\d{3})$", c)) for c in codes) >= 2
    ):
        return "commune"
    if (
        re.search(r"\b(?:âge|age)\b", text)
        or sum(bool(re.search(r"\d+\s*ans\b", lab)) for lab in labels) >= 2
    ):
        return "age"
    return None


def _sex_group(option: _DraftOption) -> list[str] | None:
    label = normalize_text(option.label).removeprefix("un ").removeprefix("une ")
    code = option.code.strip().upper()
    if label.startswith(("homme", "masculin")) or label in ("h", "m") or code in ("H", "M"):
        return ["H"]
    if label.startswith(("femme", "féminin", "feminin")) or label == "f" or code == "F":
        return ["F"]
    return None


def _age_groups(label: str) -> list[str] | None:
    """INSEE age groups exactly covering a label such as ``"15 à 29 ans"``."""
    text = normalize_text(label)
    bounded = re.search(r"(\d+)\s*(?:à|-|–)\s*(\d+)\s*ans", text)
    open_ended = re.search(r"(\d+)\s*ans\s*(?:ou|et)\s*plus|(\d+)\s*ans\s*\+|(\d+)\s*\+", text)
    if bounded:
        low, high = int(bounded.group(1)), int(bounded.group(2))
    elif open_ended:
        low, high = int(next(g for g in open_ended.groups() if g)), None
    else:
        return None
    chosen = [
        g
        for g in _AGE_GROUPS
        if g[0] >= low and (high is None or (g[1] is not None and g[1] <= high))
    ]
    if not chosen or chosen[0][0] != low:
        return None
    if high is not None and chosen[-1][1] != high:
        return None
    return [g[2] for g in chosen]


# --------------------------------------------------------------------------- output


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if not slug:
        slug = "question"
    if not slug[0].isalpha():
        slug = "q_" + slug
    if len(slug) > _ID_LENGTH:
        cut = slug[:_ID_LENGTH]
        slug = cut.rsplit("_", 1)[0] if "_" in cut[10:] else cut
    return slug.strip("_")


def _unique_ids(questions: list[_DraftQuestion]) -> None:
    seen: Counter[str] = Counter()
    for question in questions:
        seen[question.id] += 1
        if seen[question.id] > 1:
            question.id = f"{question.id}_{seen[question.id]}"


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _render(questions: list[_DraftQuestion], raw: RawExport, fmt: str, survey_id: str) -> str:
    lines = [
        (
            f"# Codebook ébauché par ctgstats à partir de {raw.path.name} (format {fmt}, "
            f"{len(raw.rows)} questionnaires)."
        ),
        "# Chaque ligne marquée TODO est une supposition : vérifiez-la avec le questionnaire.",
        "survey:",
        f"  id: {_quote(survey_id)}",
        '  title: "TODO titre de l\'enquête"  # TODO',
        (
            '  universe: "Répondants à l\'enquête"  # TODO population visée '
            "(ex. habitants de 15 ans ou plus du territoire)"
        ),
        "  incomplete: exclude  # exclude | keep",
        "  unknown_answers: error  # error | report",
        "  redact_terms: []  # noms de lieux ou de personnes à masquer dans les textes",
        "questions:",
    ]
    for question in questions:
        lines.extend(_render_question(question, fmt))
    return "\n".join(lines) + "\n"


def _render_question(question: _DraftQuestion, fmt: str) -> list[str]:
    label_todo = "  # TODO libellé de la question" if question.todo_label else ""
    type_todo = f"  # TODO {question.todo_type}" if question.todo_type else ""
    lines = [
        f"  - id: {question.id}",
        f"    label: {_quote(question.label)}{label_todo}",
        f"    type: {question.type}{type_todo}",
    ]
    if question.column is not None and fmt != "googleforms":
        lines.append(f"    column: {_quote(question.column)}")
    if question.describes:
        lines.append(f"    describes: {question.describes}  # TODO descripteur deviné")
    if question.type in ("single", "multiple", "likert"):
        lines.append("    options:")
        for option in question.options:
            census = (
                ""
                if option.census is None
                else ", census: [" + ", ".join(_quote(c) for c in option.census) + "]"
            )
            comment = f"  # {option.count} réponse(s)"
            if option.todo:
                comment += " ; TODO " + " ; ".join(option.todo)
            lines.append(
                f"      - {{code: {_quote(option.code)}, label: "
                f"{_quote(option.label)}{census}}}{comment}"
            )
    return lines
