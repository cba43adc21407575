"""The codebook of a survey: a YAML file, validated like params files.

Example (see ``src/ctgstats/demo/data/enquetes/`` for complete ones)::

    survey:
      id: habitants                  # used in file names: tables/enquete_habitants_*.csv
      title: "Enquête auprès des habitants"
      universe: "Habitants de 15 ans ou plus du territoire"
      incomplete: exclude            # exclude | keep: rule for incomplete questionnaires
      unknown_answers: error         # error | report: answers outside the option lists
      redact_terms: []               # extra words to redact in free text (names of places…)
    questions:
      - id: age
        label: "Quel est votre âge ?"
        type: single                 # single | multiple | likert | numeric | text
        column: Q01                  # export column (LimeSurvey question code, Kobo name);
                                     # default: the id. Google Forms: matched on ``label``
                                     # (or ``header`` when the column text differs)
        options:
          - {code: A1, label: "15 à 29 ans", census: ["1529"]}
          - {code: A5, label: "75 ans ou plus", census: ["7589", "90P"]}
          - {code: A9, label: "Ne sait pas", dont_know: true}
        describes: age               # respondent descriptor: age | sexe | commune | famille …
      - id: lieux
        label: "Quels lieux fréquentez-vous ?"
        type: multiple               # LimeSurvey: one Y/blank column per option, Q05_SQ001
        column: Q05
        options: [{code: SQ001, label: "Le centre social"}, …]
      - id: satisfaction
        type: likert
        options:                     # ordered from the lowest to the highest
          - {code: A1, label: "Pas du tout satisfait", score: 1}
          - …
        finding:                     # optional sentence for the findings
          codes: [A3, A4]
          text: "se disent satisfaits de l'offre de loisirs"
      - id: remarques
        type: text
        themes: {mobilite: [bus, transport, voiture], logement: [logement, loyer]}

Codes are strings. Option labels are French as shown in the report. ``census`` maps an
option of an ``age`` or ``sexe`` descriptor to census groups (``"1529"``, ``"90P"``,
``"H"``, ``"F"``) for raking on the territory's own census margins.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from ctgstats.core.errors import InputError
from ctgstats.core.models import StrictModel, error_items

QUESTION_TYPES = ("single", "multiple", "likert", "numeric", "text")


class CodebookError(InputError, ValueError):
    """Invalid codebook: the message names the file, the field and the value."""


class Option(StrictModel):
    """One answer option of a choice question."""

    code: str
    label: str
    dont_know: bool = False
    score: float | None = None
    census: tuple[str, ...] | None = None

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_string(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("un code d'option doit être une chaîne")
        if isinstance(value, (int, float)):
            raise ValueError(
                f"le code d'option {value!r} doit être entre guillemets "
                "(les codes sont des chaînes)"
            )
        return value


class Finding(StrictModel):
    """Sentence fragment for the findings: share of respondents choosing ``codes``."""

    codes: tuple[str, ...] = Field(min_length=1)
    text: str


class Question(StrictModel):
    """One question of the questionnaire."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    label: str
    type: Literal["single", "multiple", "likert", "numeric", "text"]
    column: str | None = None
    header: str | None = None
    options: tuple[Option, ...] = ()
    describes: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,31}$")
    finding: Finding | None = None
    themes: dict[str, tuple[str, ...]] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        choice = self.type in ("single", "multiple", "likert")
        if choice and not self.options:
            raise ValueError(f"la question {self.id!r} de type {self.type} demande des options")
        if not choice and self.options:
            raise ValueError(
                f"la question {self.id!r} de type {self.type} ne peut pas avoir d'options"
            )
        codes = [o.code for o in self.options]
        duplicated = sorted({c for c in codes if codes.count(c) > 1})
        if duplicated:
            raise ValueError(f"question {self.id!r} : codes d'options en double {duplicated}")
        if self.finding is not None:
            unknown = [c for c in self.finding.codes if c not in codes]
            if unknown:
                raise ValueError(
                    f"question {self.id!r} : les codes {unknown} de finding ne sont pas des "
                    "options de la question"
                )
        if self.themes is not None and self.type != "text":
            raise ValueError(f"question {self.id!r} : themes ne sert qu'aux questions text")
        if self.describes is not None and self.type != "single":
            raise ValueError(
                f"question {self.id!r} : seule une question à choix unique (single) peut "
                "décrire le répondant"
            )
        return self

    @property
    def source_column(self) -> str:
        """The export column (LimeSurvey code or Kobo name); defaults to the id."""
        return self.column or self.id

    def option(self, code: str) -> Option | None:
        """The option with ``code``, or None."""
        return next((o for o in self.options if o.code == code), None)


class SurveyInfo(StrictModel):
    """What the survey is and how to treat its exports."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]{0,63}$")
    title: str
    universe: str = "Répondants à l'enquête"
    incomplete: Literal["exclude", "keep"] = "exclude"
    unknown_answers: Literal["error", "report"] = "error"
    redact_terms: tuple[str, ...] = ()


class Codebook(StrictModel):
    """A survey's codebook."""

    survey: SurveyInfo
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Codebook:
        ids = [q.id for q in self.questions]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"identifiants de questions en double {duplicated}")
        described = [q.describes for q in self.questions if q.describes]
        twice = sorted({d for d in described if described.count(d) > 1})
        if twice:
            raise ValueError(f"plusieurs questions décrivent la même chose : {twice}")
        return self

    def question(self, question_id: str) -> Question:
        """The question with ``question_id`` (KeyError naming it otherwise)."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(f"pas de question {question_id!r} dans le codebook {self.survey.id!r}")

    @property
    def descriptors(self) -> dict[str, Question]:
        """Questions describing the respondent, by descriptor name (age, sexe …)."""
        return {q.describes: q for q in self.questions if q.describes}


def _format_error(error: ValidationError, source: str) -> str:
    def wording(item: ErrorDetails, message: str) -> str:
        if item["type"] == "literal_error" and item["loc"][-1] == "type":
            return f"type de question inconnu ; attendu : {', '.join(QUESTION_TYPES)}"
        return message

    items = error_items(
        error,
        unknown_key="clé inconnue (vérifiez l'orthographe)",
        hidden=(dict, list),
        rewrite=wording,
    )
    return "\n".join(
        [
            f"{source} : codebook invalide",
            *(f"  - {where} : {message}{shown}" for where, message, shown in items),
        ]
    )


def parse_codebook(data: Any, *, source: str = "<codebook>") -> Codebook:
    """Validate a mapping into a :class:`Codebook` (CodebookError on any problem)."""
    if not isinstance(data, dict):
        raise CodebookError(
            f"{source} : un codebook est un dictionnaire avec 'survey' et 'questions'"
        )
    try:
        return Codebook.model_validate(data)
    except ValidationError as error:
        raise CodebookError(_format_error(error, source)) from None


def load_codebook(path: Path | str) -> Codebook:
    """Read and validate a codebook YAML file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodebookError(f"{path} : fichier codebook introuvable") from None
    except IsADirectoryError:
        raise CodebookError(f"{path} est un dossier, pas un fichier codebook YAML") from None
    except UnicodeDecodeError:
        raise CodebookError(
            f"{path} : le fichier n'est pas encodé en UTF-8 ; enregistrez-le en UTF-8"
        ) from None
    except yaml.YAMLError as error:
        raise CodebookError(f"{path} : YAML invalide : {error}") from None
    return parse_codebook(data, source=str(path))
