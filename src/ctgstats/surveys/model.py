"""The tidy survey data shared by adapters, weighting, estimates and reports.

An adapter turns a raw export (never modified) into a :class:`SurveyData`:

``respondents`` — one row per respondent kept in the analysis frame (all rows of the
export, including excluded ones, with the reason):

================  =======  =====================================================
column            dtype    meaning
================  =======  =====================================================
respondent_id     str      id from the export (LimeSurvey ``id``, Kobo ``_uuid``,
                           Google Forms: ``"r<row number>"``), unique
row               int      1-based line of the respondent in the export (header = 1)
submitted_at      str      submission timestamp as written in the export, or ""
complete          bool     questionnaire completed (LimeSurvey ``submitdate`` set;
                           Google Forms and Kobo: always True)
included          bool     kept for estimates (False: duplicate, incomplete under the
                           stated rule, outside the territory)
exclusion         str      French reason when not included, else ""
<descriptor>      str      one column per respondent descriptor declared in the codebook
                           (``age``, ``sexe``, ``commune``, ``famille`` …): the option
                           CODE, or "" when not answered
================  =======  =====================================================

``answers`` — long format, one row per (respondent, question, chosen option):

================  =======  =====================================================
respondent_id     str
question          str      question id from the codebook
code              str      option code for single/likert/multiple choice;
                           ``NON_RESPONSE`` when the question was left blank
                           (single/likert/numeric/text; a multiple-choice question
                           with no box ticked gets one ``NON_RESPONSE`` row);
                           "" for numeric and text answers
value             float    numeric answers (NaN otherwise)
text              str      free-text answers, raw (redaction happens before output)
================  =======  =====================================================

``quality`` — one row per problem found (see :data:`QUALITY_COLUMNS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

NON_RESPONSE = "__non_reponse__"

#: French names of the respondent descriptors read in notes (never the codes).
DESCRIPTOR_NAMES = {
    "age": "âge",
    "sexe": "sexe",
    "commune": "commune",
    "famille": "situation familiale",
}


def descriptor_name(descriptor: str) -> str:
    """French name of a descriptor (``"age"`` → ``"âge"``); other names unchanged."""
    return DESCRIPTOR_NAMES.get(descriptor, descriptor.replace("_", " "))


NON_RESPONSE_LABEL = "Non-réponse"

RESPONDENT_COLUMNS = ["respondent_id", "row", "submitted_at", "complete", "included", "exclusion"]
ANSWER_COLUMNS = ["respondent_id", "question", "code", "value", "text"]
QUALITY_COLUMNS = [
    "probleme",  # "doublon", "questionnaire incomplet", "réponse hors questionnaire",
    # "hors territoire", "colonne manquante", "colonne inconnue"
    "respondent_id",
    "ligne",  # 1-based line in the export (header = 1), or NA
    "colonne",  # column of the export
    "valeur",  # the offending value as written
    "traitement",  # French: what was done ("exclu de l'analyse", "conservé", …)
]
FREQUENCY_COLUMNS = [
    "question",
    "modalite",
    "effectif",
    "pourcentage",
    "ic_bas",
    "ic_haut",
    "base",
    "pondere",
]
FORMATS = ("limesurvey", "googleforms", "kobo", "csv")


@dataclass
class SurveyData:
    """A survey export in tidy form, with its data-quality table."""

    survey_id: str
    source: str  # path of the raw export
    format: str  # one of FORMATS
    respondents: pd.DataFrame
    answers: pd.DataFrame
    quality: pd.DataFrame
    notes: list[str] = field(default_factory=list)  # French notes for the report

    @property
    def included(self) -> pd.DataFrame:
        """Respondents kept for estimates."""
        return self.respondents[self.respondents["included"]]
