"""The data-quality table of a survey: problems counted and shown, never dropped silently.

:func:`assess` (called by :func:`ctgstats.surveys.adapters.read_export`) decides which
respondents are kept for estimates and why the others are not:

1. **repeated identifier** — the same respondent id twice (a LimeSurvey response imported
   twice, a Kobo submission sent again): the first occurrence is kept, the others are
   excluded. The adapter renames the repeats ``"<id>#L<line>"`` (see
   :func:`mark_repeated_ids`) so that ids stay unique in ``answers``;
2. **probable duplicate** — identical answers to every question and the same non-empty
   ``submitted_at``: the first is kept, the others excluded;
3. **incomplete questionnaire** (``complete`` False) — excluded when the codebook says
   ``survey.incomplete: exclude``, otherwise kept and flagged;
4. **outside the territory** — with ``territory_communes`` and a ``commune`` descriptor: a
   chosen commune not in the territory (including an explicit "autre commune" option) is
   excluded; a blank commune is kept and flagged.

Each check looks only at respondents still included, so a respondent gets one exclusion
reason (the first in this order). Excluded respondents stay in ``respondents`` with
``included=False``; their answers stay in ``answers``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from ctgstats.surveys.codebook import Codebook, CodebookError
from ctgstats.surveys.model import QUALITY_COLUMNS, SurveyData

__all__ = [
    "EXCLUSION_DUPLICATE_ANSWERS",
    "EXCLUSION_DUPLICATE_ID",
    "EXCLUSION_INCOMPLETE",
    "EXCLUSION_OUTSIDE",
    "PROBLEM_DUPLICATE_ANSWERS",
    "PROBLEM_DUPLICATE_ID",
    "PROBLEM_INCOMPLETE",
    "PROBLEM_NO_COMMUNE",
    "PROBLEM_OUTSIDE",
    "PROBLEM_OUT_OF_CODEBOOK",
    "PROBLEM_UNKNOWN_COLUMN",
    "PROBLEM_UNKNOWN_COMMUNE",
    "SUMMARY_ROWS",
    "assess",
    "mark_repeated_ids",
    "summary",
]

PROBLEM_DUPLICATE_ID = "doublon (identifiant répété)"
PROBLEM_DUPLICATE_ANSWERS = "doublon probable (réponses identiques)"
PROBLEM_INCOMPLETE = "questionnaire incomplet"
PROBLEM_OUTSIDE = "hors territoire"
PROBLEM_NO_COMMUNE = "commune non renseignée"
PROBLEM_UNKNOWN_COMMUNE = "commune non reconnue"
PROBLEM_OUT_OF_CODEBOOK = "réponse hors questionnaire"
PROBLEM_UNKNOWN_COLUMN = "colonne inconnue"

EXCLUSION_DUPLICATE_ID = "doublon (identifiant répété)"
EXCLUSION_DUPLICATE_ANSWERS = "doublon probable (réponses identiques)"
EXCLUSION_INCOMPLETE = "questionnaire incomplet"
EXCLUSION_OUTSIDE = "hors territoire"

#: Problems recomputed by :func:`assess` (the others come from the adapter).
ASSESSED_PROBLEMS = frozenset(
    {
        PROBLEM_DUPLICATE_ID,
        PROBLEM_DUPLICATE_ANSWERS,
        PROBLEM_INCOMPLETE,
        PROBLEM_OUTSIDE,
        PROBLEM_NO_COMMUNE,
        PROBLEM_UNKNOWN_COMMUNE,
    }
)

#: Rows of :func:`summary`, in order.
SUMMARY_ROWS = (
    "Questionnaires reçus",
    "Questionnaires complets",
    "Doublons exclus",
    "Incomplets exclus",
    "Hors territoire exclus",
    "Réponses hors questionnaire",
    "Questionnaires analysés",
)

_REPEAT_SUFFIX = "#L{line}"
_COMMUNE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_ID_COLUMNS = {"limesurvey": "id", "kobo": "_uuid", "csv": "id", "googleforms": ""}


def mark_repeated_ids(ids: Sequence[str], lines: Sequence[int]) -> list[str]:
    """Make respondent ids unique: a repeated id becomes ``"<id>#L<line>"``.

    The first occurrence keeps its id; :func:`assess` recognises the renamed repeats and
    excludes them as duplicates.
    """
    seen: set[str] = set(ids)
    first: set[str] = set()
    unique = []
    for rid, line in zip(ids, lines):
        if rid in first:
            new = rid + _REPEAT_SUFFIX.format(line=line)
            while new in seen:
                new += "'"
            seen.add(new)
            unique.append(new)
        else:
            first.add(rid)
            unique.append(rid)
    return unique


def _repeated_of(rid: str, row: int, ids: set[str]) -> str | None:
    """The original id when ``rid`` was renamed by :func:`mark_repeated_ids`."""
    suffix = _REPEAT_SUFFIX.format(line=row)
    base = rid.rstrip("'")
    if base.endswith(suffix) and base.removesuffix(suffix) in ids:
        return base.removesuffix(suffix)
    return None


class _Assessment:
    """Mutable state of one assessment: inclusion flags and new quality rows."""

    def __init__(self, data: SurveyData) -> None:
        self.data = data
        self.respondents = data.respondents.reset_index(drop=True)
        n = len(self.respondents)
        self.included = [True] * n
        self.exclusion = [""] * n
        self.rows: list[dict[str, Any]] = []

    def exclude(self, index: int, reason: str) -> None:
        self.included[index] = False
        self.exclusion[index] = reason

    def flag(self, index: int, problem: str, column: str, value: str, treatment: str) -> None:
        respondent = self.respondents.iloc[index]
        self.rows.append(
            {
                "probleme": problem,
                "respondent_id": respondent["respondent_id"],
                "ligne": int(respondent["row"]),
                "colonne": column,
                "valeur": value,
                "traitement": treatment,
            }
        )

    def active(self) -> list[int]:
        return [i for i, kept in enumerate(self.included) if kept]


def assess(
    data: SurveyData,
    *,
    codebook: Codebook,
    territory_communes: Collection[str] | None = None,
    columns: Mapping[str, str] | None = None,
) -> SurveyData:
    """Set ``included``/``exclusion`` and append the problems found to ``quality``.

    Parameters
    ----------
    data : SurveyData
        Tidy data from an adapter (its ``quality`` rows are kept).
    codebook : Codebook
        The codebook (``survey.incomplete`` rule, ``commune`` descriptor).
    territory_communes : collection of str, optional, keyword-only
        INSEE codes of the territory's communes; None: no territorial filter.
    columns : mapping, optional, keyword-only
        Export column of each question id (given by the adapter), shown in the
        ``colonne`` of the quality rows; default: the codebook's column.

    Returns
    -------
    SurveyData
        A new object; ``data`` is not modified. Running it twice gives the same result.

    Raises
    ------
    CodebookError
        When ``territory_communes`` is given but no option code of the ``commune`` question
        is an INSEE commune code (the filter would exclude everybody).
    """
    state = _Assessment(data)
    _check_repeated_ids(state)
    _check_identical_answers(state)
    _check_incomplete(state, codebook)
    notes = list(data.notes)
    if territory_communes is not None:
        note = _check_territory(state, codebook, territory_communes, columns or {})
        if note and note not in notes:
            notes.append(note)
    respondents = state.respondents.copy()
    respondents["included"] = pd.Series(state.included, dtype="bool")
    respondents["exclusion"] = pd.Series(state.exclusion, dtype="str")
    kept = data.quality[~data.quality["probleme"].isin(ASSESSED_PROBLEMS)]
    new = pd.DataFrame(state.rows, columns=QUALITY_COLUMNS)
    quality = (
        pd.concat([kept.astype(object), new.astype(object)], ignore_index=True)
        if len(new)
        else kept.reset_index(drop=True)
    )
    quality = quality.astype(
        {
            "probleme": "str",
            "respondent_id": "str",
            "ligne": "Int64",
            "colonne": "str",
            "valeur": "str",
            "traitement": "str",
        }
    )
    return replace(data, respondents=respondents, quality=quality, notes=notes)


def _check_repeated_ids(state: _Assessment) -> None:
    frame = state.respondents
    ids = set(frame["respondent_id"])
    first_line: dict[str, int] = {}
    column = _ID_COLUMNS.get(state.data.format, "")
    for index, (rid, row) in enumerate(zip(frame["respondent_id"], frame["row"])):
        original = _repeated_of(rid, int(row), ids)
        if original is None and rid in first_line:
            original = rid  # data built without mark_repeated_ids
        if original is None:
            first_line.setdefault(rid, int(row))
            continue
        kept_line = first_line.get(original, "?")
        state.exclude(index, EXCLUSION_DUPLICATE_ID)
        state.flag(
            index,
            PROBLEM_DUPLICATE_ID,
            column,
            original,
            f"exclu (identifiant déjà vu ligne {kept_line}, première occurrence conservée)",
        )


def _answer_signatures(answers: pd.DataFrame) -> dict[str, tuple[Any, ...]]:
    signatures: dict[str, list[tuple[str, str, str, str]]] = {}
    for rid, question, code, value, text in answers[
        ["respondent_id", "question", "code", "value", "text"]
    ].itertuples(index=False):
        shown = (
            ""
            if value is None or (isinstance(value, float) and math.isnan(value))
            else repr(float(value))
        )
        signatures.setdefault(rid, []).append((question, code, shown, text))
    return {rid: tuple(sorted(items)) for rid, items in signatures.items()}


def _check_identical_answers(state: _Assessment) -> None:
    frame = state.respondents
    signatures = _answer_signatures(state.data.answers)
    first: dict[tuple[Any, ...], int] = {}
    for index in state.active():
        submitted = frame.at[index, "submitted_at"]
        rid = frame.at[index, "respondent_id"]
        if not submitted or rid not in signatures:
            continue
        key = (submitted, signatures[rid])
        if key not in first:
            first[key] = index
            continue
        kept = frame.iloc[first[key]]
        state.exclude(index, EXCLUSION_DUPLICATE_ANSWERS)
        state.flag(
            index,
            PROBLEM_DUPLICATE_ANSWERS,
            "",
            submitted,
            f"exclu (mêmes réponses et même horodatage que "
            f"{kept['respondent_id']}, ligne {int(kept['row'])}, conservé)",
        )


def _check_incomplete(state: _Assessment, codebook: Codebook) -> None:
    frame = state.respondents
    column = "submitdate" if state.data.format == "limesurvey" else ""
    exclude = codebook.survey.incomplete == "exclude"
    for index in state.active():
        if bool(frame.at[index, "complete"]):
            continue
        if exclude:
            state.exclude(index, EXCLUSION_INCOMPLETE)
            state.flag(index, PROBLEM_INCOMPLETE, column, "", "exclu (questionnaire incomplet)")
        else:
            state.flag(
                index,
                PROBLEM_INCOMPLETE,
                column,
                "",
                "conservé (règle : questionnaires incomplets conservés)",
            )


def _check_territory(
    state: _Assessment,
    codebook: Codebook,
    territory_communes: Collection[str],
    columns: Mapping[str, str],
) -> str | None:
    question = codebook.descriptors.get("commune")
    if question is None:
        return (
            "Aucune question ne décrit la commune du répondant : le filtre sur les "
            "communes du territoire n'est pas appliqué."
        )
    territory = {str(code).strip() for code in territory_communes}
    codes = {o.code for o in question.options}
    if not any(_COMMUNE_CODE.match(c) for c in codes):
        raise CodebookError(
            f"question {question.id!r} describes the commune but none of its option codes "
            f"is an INSEE commune code ({', '.join(sorted(codes)[:5])} …): use the INSEE "
            'codes as option codes (e.g. code: "01004") so that respondents can be '
            "checked against the territory, or do not pass territory_communes"
        )
    frame = state.respondents
    column = columns.get(question.id) or question.header or question.source_column
    for index in state.active():
        code = frame.at[index, "commune"]
        if code in territory:
            continue
        if not code:
            state.flag(index, PROBLEM_NO_COMMUNE, column, "", "conservé (commune non renseignée)")
        elif code in codes:
            state.exclude(index, EXCLUSION_OUTSIDE)
            option = question.option(code)
            assert option is not None  # code is one of the option codes
            label = option.label
            state.flag(
                index, PROBLEM_OUTSIDE, column, f"{code} ({label})", "exclu (hors territoire)"
            )
        else:
            state.flag(
                index,
                PROBLEM_UNKNOWN_COMMUNE,
                column,
                code,
                "conservé (commune absente du questionnaire, non vérifiable)",
            )
    return None


def summary(data: SurveyData) -> pd.DataFrame:
    """The data-quality table of the report: counts of questionnaires by fate.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicateur`` (French, :data:`SUMMARY_ROWS` in order) and ``effectif``.
        "Questionnaires reçus" = "Questionnaires analysés" + the three "exclus" rows.
        "Réponses hors questionnaire" counts answers, not questionnaires.
    """
    respondents = data.respondents
    exclusion = respondents["exclusion"]
    counts = [
        len(respondents),
        int(respondents["complete"].sum()),
        int(exclusion.isin([EXCLUSION_DUPLICATE_ID, EXCLUSION_DUPLICATE_ANSWERS]).sum()),
        int((exclusion == EXCLUSION_INCOMPLETE).sum()),
        int((exclusion == EXCLUSION_OUTSIDE).sum()),
        int((data.quality["probleme"] == PROBLEM_OUT_OF_CODEBOOK).sum()),
        int(respondents["included"].sum()),
    ]
    return pd.DataFrame(
        {
            "indicateur": pd.Series(SUMMARY_ROWS, dtype="str"),
            "effectif": pd.Series(counts, dtype="int64"),
        }
    )
