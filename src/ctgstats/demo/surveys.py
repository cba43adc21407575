"""Generate the FICTIONAL surveys of the demo territory (EPCI ``000000101``).

Two surveys of the "CC du Haut-Val fictif" (see :mod:`ctgstats.demo.generate`), exported
in the real formats of the tools, with their codebooks::

    python -m ctgstats.demo.surveys [--output DIR] [--seed N]

Files (default folder ``src/ctgstats/demo/data/enquetes``):

``habitants_limesurvey.csv``
    LimeSurvey "Export responses" CSV: UTF-8 with BOM, every field double-quoted, ``,``,
    CRLF and LimeSurvey's final empty line; system columns ``id, submitdate, lastpage,
    startlanguage, seed, startdate, datestamp`` first; question-code headings with the
    ExpressionScript option (multiple choice ``services_SQ001`` … holding ``Y`` or
    nothing); answer codes as values. Includes incomplete responses (``submitdate``
    empty, later pages blank) and two duplicate submissions.
``habitants_googleforms.csv``
    The same complete respondents as the responses sheet of a Google Form downloaded as CSV
    (French locale): ``Horodateur`` then the question texts, option labels as values,
    checkboxes joined by ``", "``; UTF-8 without BOM, minimal quoting, CRLF.
``habitants_kobo.csv`` / ``habitants_kobo.xlsx``
    The same complete respondents as a KoboToolbox export with "XML values and headers":
    ``start``, ``end``, question names (group path ``profil/`` for the profile), XML codes,
    system columns ``_id`` … ``_index`` last. CSV: ``;``, every field quoted, the
    select_multiple as one column of space-separated codes; XLSX: one ``services/SQ001``
    column per option holding 1/0.
``elus_limesurvey.csv``
    Survey of municipal councillors, LimeSurvey default headings (``priorites[SQ001]``).
``codebook_habitants.yaml`` / ``codebook_elus.yaml``
    The codebooks (:func:`ctgstats.surveys.codebook.load_codebook`).

One naming scheme serves every format: a question's ``column`` is at once its LimeSurvey
question code and its Kobo name (letters and digits only, as LimeSurvey requires), option
codes are at once LimeSurvey answer/subquestion codes and Kobo choice names, and Google
Forms headers are the codebook ``label``. The habitants sample is deliberately not
representative (too many women and 30-59 year-olds, too few people aged 75+), so that raking
on the census margins visibly changes the results.

Determinism: every draw comes from ``numpy.random.default_rng([seed, stream, index])``,
timestamps are built from fixed dates (no clock, no time zone database, no locale), the
XLSX is serialised by :func:`ctgstats.demo.generate.xlsx_bytes` (fixed properties and zip
dates). Running the generator twice gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook

from ctgstats.demo import generator_main, write_files
from ctgstats.demo.generate import COMMUNES, new_code, new_communes, xlsx_bytes

DEFAULT_SEED = 20261125
HAUT_VAL = "000000101"
OUTSIDE = "AUTRE"

# Random streams (second key of every generator).
_PROFILE, _ANSWERS, _TEXT, _TIMES, _IDS, _ELUS, _ELUS_TEXT = range(1, 8)

# Survey windows (local time of the territory, Europe/Paris rules).
HABITANTS_START = datetime(2026, 3, 2, 7, 0, 0)
HABITANTS_DAYS = 42
ELUS_START = datetime(2026, 3, 16, 8, 0, 0)
ELUS_DAYS = 21
# Summer time in 2026 starts on Sunday 29 March at 02:00 local (03:00 after the change).
SUMMER_TIME_2026 = datetime(2026, 3, 29, 3, 0, 0)

N_HABITANTS = 350  # distinct respondents who submitted the questionnaire
N_HABITANTS_INCOMPLETE = 18
N_DUPLICATES = 2
N_ELUS = 40
N_ELUS_INCOMPLETE = 2

KOBO_FIRST_ID = 412_305_118
KOBO_SHEET = "Enquête habitants Haut-Val"

# --------------------------------------------------------------------------------------
# Questionnaires
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """An answer option: code (LimeSurvey code = Kobo choice name) and French label."""

    code: str
    label: str
    census: tuple[str, ...] | None = None
    dont_know: bool = False
    score: int | None = None


@dataclass(frozen=True)
class Item:
    """A question of a fictional questionnaire.

    ``column`` is the LimeSurvey question code and the Kobo question name; ``page`` the
    LimeSurvey page (question group) it is shown on; ``group`` its Kobo group, if any.
    """

    id: str
    column: str
    label: str
    type: str
    page: int
    choices: tuple[Choice, ...] = ()
    group: str | None = None
    describes: str | None = None
    finding: tuple[tuple[str, ...], str] | None = None
    themes: tuple[tuple[str, tuple[str, ...]], ...] | None = None

    def choice(self, code: str) -> Choice:
        """The option with ``code``."""
        return next(c for c in self.choices if c.code == code)


@dataclass(frozen=True)
class SurveySpec:
    """Survey-level settings written to the codebook."""

    id: str
    title: str
    universe: str
    items: tuple[Item, ...]
    pages: int
    header_comment: str


def _likert(labels: Sequence[str], *, dont_know: bool = True) -> tuple[Choice, ...]:
    """Ordered options ``A1``… scored 1…n, plus ``A9`` "Ne sait pas"."""
    choices = [Choice(f"A{i}", label, score=i) for i, label in enumerate(labels, start=1)]
    if dont_know:
        choices.append(Choice("A9", "Ne sait pas", dont_know=True))
    return tuple(choices)


def territory_communes() -> list[tuple[str, str]]:
    """``(code, name)`` of the communes of EPCI 000000101 in the 2025 geography."""
    return [(code, name) for code, name, epci in new_communes() if epci == HAUT_VAL]


def _commune_choices(*, outside: bool) -> tuple[Choice, ...]:
    choices = [Choice(code, name) for code, name in territory_communes()]
    if outside:
        choices.append(Choice(OUTSIDE, "Autre commune"))
    return tuple(choices)


YES_NO_DK = (Choice("A1", "Oui"), Choice("A2", "Non"), Choice("A9", "Ne sait pas", dont_know=True))

HABITANTS_THEMES = (
    ("mobilite", ("bus", "transport", "voiture", "covoiturage", "déplacer", "permis", "mobilité")),
    ("logement", ("logement", "loyer", "louer", "location", "maisons vides")),
    (
        "enfance",
        ("crèche", "assistante maternelle", "périscolaire", "enfant", "centre de loisirs", "école"),
    ),
    (
        "lien_social",
        (
            "rencontre",
            "café",
            "association",
            "salle des fêtes",
            "isolé",
            "se retrouver",
            "animation",
        ),
    ),
    ("acces_aux_droits", ("démarche", "caf", "france services", "internet", "dossier", "droits")),
)

HABITANTS_ITEMS: tuple[Item, ...] = (
    Item(
        "age",
        "age",
        "Quel est votre âge ?",
        "single",
        1,
        group="profil",
        describes="age",
        choices=(
            Choice("A1", "15 à 29 ans", census=("1529",)),
            Choice("A2", "30 à 44 ans", census=("3044",)),
            Choice("A3", "45 à 59 ans", census=("4559",)),
            Choice("A4", "60 à 74 ans", census=("6074",)),
            Choice("A5", "75 ans ou plus", census=("7589", "90P")),
        ),
    ),
    Item(
        "sexe",
        "sexe",
        "Vous êtes :",
        "single",
        1,
        group="profil",
        describes="sexe",
        choices=(
            Choice("A1", "Femme", census=("F",)),
            Choice("A2", "Homme", census=("H",)),
            Choice("A3", "Autre / ne souhaite pas répondre"),
        ),
    ),
    Item(
        "commune",
        "commune",
        "Dans quelle commune habitez-vous ?",
        "single",
        1,
        group="profil",
        describes="commune",
        choices=_commune_choices(outside=True),
    ),
    Item(
        "famille",
        "famille",
        "Quelle est votre situation familiale ?",
        "single",
        1,
        group="profil",
        describes="famille",
        choices=(
            Choice("A1", "Seul·e"),
            Choice("A2", "En couple sans enfant"),
            Choice("A3", "En couple avec enfant(s)"),
            Choice("A4", "Famille monoparentale"),
            Choice("A5", "Autre situation"),
        ),
    ),
    Item(
        "enfants",
        "enfants",
        "Combien d'enfants de moins de 18 ans vivent dans votre foyer ?",
        "numeric",
        1,
        group="profil",
    ),
    Item(
        "satisfaction_lieux",
        "lieuxsatisf",
        "Êtes-vous satisfait·e des lieux d'échanges et de rencontre de votre commune "
        "(salle, café, tiers-lieu, espace de vie sociale) ?",
        "likert",
        2,
        choices=_likert(
            (
                "Pas du tout satisfait·e",
                "Plutôt pas satisfait·e",
                "Ni satisfait·e ni insatisfait·e",
                "Plutôt satisfait·e",
                "Très satisfait·e",
            )
        ),
        finding=(
            ("A4", "A5"),
            ("se disent satisfaits des lieux d'échanges et de rencontre de leur commune"),
        ),
    ),
    Item(
        "lieux_acces",
        "lieuxacces",
        "Les habitants ont-ils accès à suffisamment de lieux d'échanges ?",
        "single",
        2,
        choices=YES_NO_DK,
        finding=(
            ("A2",),
            ("estiment que les habitants n'ont pas accès à suffisamment de lieux d'échanges"),
        ),
    ),
    Item(
        "services",
        "services",
        "Quels services vous manquent le plus ? (plusieurs réponses possibles)",
        "multiple",
        3,
        choices=(
            Choice("SQ001", "Modes de garde pour les jeunes enfants"),
            Choice("SQ002", "Activités pour les adolescents et les jeunes"),
            Choice("SQ003", "Sport, culture et loisirs"),
            Choice("SQ004", "Transports et mobilité"),
            Choice("SQ005", "Médecins et services de santé"),
            Choice("SQ006", "Aide pour les démarches administratives"),
            Choice("SQ007", "Lieux de rencontre entre habitants"),
        ),
    ),
    Item(
        "petite_enfance",
        "petiteenf",
        "L'offre d'accueil des jeunes enfants (crèche, assistantes maternelles) "
        "répond-elle aux besoins des familles ?",
        "likert",
        3,
        choices=_likert(("Pas du tout", "Plutôt non", "Plutôt oui", "Tout à fait")),
        finding=(
            ("A1", "A2"),
            (
                "estiment que l'offre d'accueil des jeunes enfants ne "
                "répond pas aux besoins des familles"
            ),
        ),
    ),
    Item(
        "jeunesse",
        "jeunesse",
        "Les jeunes de 11 à 25 ans trouvent-ils sur le territoire des activités et des "
        "lieux adaptés ?",
        "likert",
        3,
        choices=_likert(("Pas du tout", "Plutôt non", "Plutôt oui", "Tout à fait")),
    ),
    Item(
        "acces_droits",
        "droits",
        "Au cours des 12 derniers mois, avez-vous renoncé à une aide ou à un droit "
        "(CAF, santé, logement…) faute d'information ou d'accompagnement ?",
        "single",
        3,
        choices=YES_NO_DK,
        finding=(
            ("A1",),
            (
                "ont renoncé à une aide ou à un droit faute d'information ou "
                "d'accompagnement au cours des 12 derniers mois"
            ),
        ),
    ),
    Item(
        "mobilite",
        "mobilite",
        "Comment vous déplacez-vous le plus souvent pour vos activités quotidiennes ?",
        "single",
        3,
        choices=(
            Choice("A1", "En voiture (seul·e ou en famille)"),
            Choice("A2", "En covoiturage"),
            Choice("A3", "En transport en commun ou transport à la demande"),
            Choice("A4", "À pied ou à vélo"),
            Choice("A5", "Autrement"),
        ),
    ),
    Item(
        "remarques",
        "remarques",
        "Avez-vous des remarques ou des propositions ?",
        "text",
        4,
        themes=HABITANTS_THEMES,
    ),
)

ELUS_THEMES = (
    ("moyens", ("moyens", "budget", "financement", "subvention", "personnel")),
    (
        "cooperation",
        ("intercommunalité", "communauté de communes", "mutualiser", "ensemble", "associer"),
    ),
    ("enfance_jeunesse", ("crèche", "enfant", "jeunes", "périscolaire", "loisirs")),
    ("lien_social", ("salle", "rencontre", "association", "isolement", "animation")),
)

ELUS_ITEMS: tuple[Item, ...] = (
    Item(
        "commune",
        "commune",
        "Dans quelle commune êtes-vous élu·e ?",
        "single",
        1,
        describes="commune",
        choices=_commune_choices(outside=False),
    ),
    Item(
        "fonction",
        "fonction",
        "Quelle est votre fonction au conseil municipal ?",
        "single",
        1,
        describes="fonction",
        choices=(
            Choice("A1", "Maire"),
            Choice("A2", "Adjoint·e au maire"),
            Choice("A3", "Conseiller·ère municipal·e"),
        ),
    ),
    Item(
        "priorites",
        "priorites",
        "Quelles sont les priorités de votre commune pour les familles et les habitants ?"
        " (trois au plus)",
        "multiple",
        2,
        choices=(
            Choice("SQ001", "Petite enfance"),
            Choice("SQ002", "Enfance et jeunesse"),
            Choice("SQ003", "Soutien à la parentalité"),
            Choice("SQ004", "Accès aux droits et inclusion numérique"),
            Choice("SQ005", "Animation de la vie sociale"),
            Choice("SQ006", "Logement"),
            Choice("SQ007", "Mobilité"),
        ),
    ),
    Item(
        "ctg_connue",
        "ctgconnue",
        "Connaissiez-vous la convention territoriale globale (CTG) avant cette enquête ?",
        "single",
        2,
        choices=YES_NO_DK,
    ),
    Item(
        "ctg_utile",
        "ctgutile",
        "La démarche de CTG vous paraît-elle utile pour votre commune ?",
        "likert",
        2,
        choices=_likert(("Pas du tout utile", "Plutôt pas utile", "Plutôt utile", "Très utile")),
        finding=(("A3", "A4"), "jugent la démarche de CTG utile pour leur commune"),
    ),
    Item(
        "ctg_associe",
        "ctgassocie",
        "Vous sentez-vous associé·e à l'élaboration de la CTG ?",
        "likert",
        2,
        choices=_likert(("Pas du tout", "Plutôt non", "Plutôt oui", "Tout à fait")),
    ),
    Item(
        "lieux_acces",
        "lieuxacces",
        "Les habitants de votre commune ont-ils accès à suffisamment de lieux d'échanges ?",
        "single",
        3,
        choices=YES_NO_DK,
        finding=(
            ("A2",),
            (
                "estiment que les habitants de leur commune n'ont pas accès à "
                "suffisamment de lieux d'échanges"
            ),
        ),
    ),
    Item(
        "cooperation",
        "coop",
        "Comment jugez-vous la coopération entre votre commune et la communauté de "
        "communes sur ces sujets ?",
        "likert",
        3,
        choices=_likert(
            (
                "Très insuffisante",
                "Plutôt insuffisante",
                "Plutôt satisfaisante",
                "Très satisfaisante",
            )
        ),
    ),
    Item(
        "remarques",
        "remarques",
        "Souhaitez-vous ajouter une remarque sur les besoins de votre commune ?",
        "text",
        3,
        themes=ELUS_THEMES,
    ),
)

_SCHEME_COMMENT = """\
# Un seul codebook pour les trois exports de l'enquête (même schéma de nommage) :
#   - LimeSurvey : code de question = `column` (lettres et chiffres, comme l'exige
#     LimeSurvey) ; valeurs = codes des options (A1, A2 …, codes communes 00001 …) ;
#     choix multiple : une colonne par option `services_SQ001` … (Y ou vide).
#   - KoboToolbox, export « XML values and headers » : nom de question = `column`,
#     précédé du groupe pour le profil (`profil/age`) ; noms des choix = codes des options ;
#     select_multiple : une colonne `services` (codes séparés par des espaces, CSV) ou une
#     colonne `services/SQ001` … par option (1/0, XLSX).
#   - Google Forms : en-tête de colonne = `label` (texte exact de la question) ;
#     valeurs = libellés des options ; cases à cocher jointes par ", ".
"""

HABITANTS = SurveySpec(
    id="habitants",
    title="Enquête auprès des habitants de la CC du Haut-Val fictif (données fictives)",
    universe="Habitants de 15 ans ou plus de la CC du Haut-Val fictif (EPCI 000000101)",
    items=HABITANTS_ITEMS,
    pages=4,
    header_comment=(
        "# Codebook de l'enquête FICTIVE auprès des habitants (démonstration ctgstats).\n"
        "# Questionnaire en ligne à participation libre : échantillon non représentatif\n"
        "# (trop de femmes et de 30-59 ans, trop peu de 75 ans ou plus).\n"
        "# Généré par `python -m ctgstats.demo.surveys` : ne pas modifier à la main.\n#\n"
        + _SCHEME_COMMENT
    ),
)

ELUS = SurveySpec(
    id="elus",
    title="Enquête auprès des élus municipaux de la CC du Haut-Val fictif (données fictives)",
    universe="Élus municipaux des 16 communes de la CC du Haut-Val fictif",
    items=ELUS_ITEMS,
    pages=3,
    header_comment=(
        "# Codebook de l'enquête FICTIVE auprès des élus municipaux (démonstration ctgstats).\n"
        "# Généré par `python -m ctgstats.demo.surveys` : ne pas modifier à la main.\n#\n"
        "# Export LimeSurvey avec les en-têtes par défaut : code de question = `column` ;\n"
        "# choix multiple : une colonne par option `priorites[SQ001]` … (Y ou vide).\n"
    ),
)

# --------------------------------------------------------------------------------------
# Respondents
# --------------------------------------------------------------------------------------

AGE_SHARES = (0.10, 0.28, 0.32, 0.22, 0.08)  # census 15+: .11 .15 .25 .29 .19
SEX_SHARES = {"A1": 0.63, "A2": 0.345, "A3": 0.025}  # census 15+: 52 % women
FAMILY_BY_AGE = (  # A1..A5 by age group
    (0.30, 0.20, 0.22, 0.10, 0.18),
    (0.14, 0.14, 0.52, 0.15, 0.05),
    (0.17, 0.24, 0.42, 0.13, 0.04),
    (0.28, 0.62, 0.05, 0.02, 0.03),
    (0.55, 0.40, 0.00, 0.00, 0.05),
)
NON_RESPONSE = {
    "age": 0.05,
    "sexe": 0.05,
    "commune": 0.05,
    "famille": 0.06,
    "enfants": 0.08,
    "satisfaction_lieux": 0.07,
    "lieux_acces": 0.06,
    "services": 0.07,
    "petite_enfance": 0.09,
    "jeunesse": 0.11,
    "acces_droits": 0.08,
    "mobilite": 0.06,
}
OUTSIDE_SHARE = 0.025
TEXT_SHARE = 0.40


@dataclass(frozen=True)
class Person:
    """Latent traits of a fictional resident (known even when not declared)."""

    age: int  # 0..4: index of the age group
    woman: bool
    sex_code: str  # A1, A2 or A3
    commune: str  # commune code or OUTSIDE
    family: str  # A1..A5
    children: int


@dataclass
class Submission:
    """One record of the exports: answers by question id and the metadata of the tools.

    Answers: option code (single/likert), tuple of codes (multiple; empty: none ticked),
    int (numeric), str (text), or None when blank or not displayed.
    """

    answers: dict[str, Any]
    start: datetime
    end: datetime
    complete: bool
    lastpage: int
    seed: int
    kobo_id: int = 0
    uuid: str = ""
    received: datetime | None = None
    duplicate_of: int | None = None


def _rng(seed: int, stream: int, index: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, stream, index])


def pick(rng: np.random.Generator, codes: Sequence[str], probs: Sequence[float]) -> str:
    p = np.asarray(probs, dtype=float)
    return str(codes[int(rng.choice(len(codes), p=p / p.sum()))])


def commune_weights() -> dict[str, float]:
    """Population 2022 of the communes of EPCI 000000101 in the 2025 geography."""
    weights: dict[str, float] = {}
    for commune in COMMUNES:
        if commune.epci == HAUT_VAL:
            code = new_code(commune.code)
            weights[code] = weights.get(code, 0.0) + commune.pop22
    return weights


def draw_person(rng: np.random.Generator) -> Person:
    """A fictional respondent of the opt-in questionnaire (not representative)."""
    age = int(rng.choice(5, p=np.asarray(AGE_SHARES)))
    sex_code = pick(rng, list(SEX_SHARES), list(SEX_SHARES.values()))
    woman = sex_code == "A1" or (sex_code == "A3" and rng.random() < 0.5)
    if rng.random() < OUTSIDE_SHARE:
        commune = OUTSIDE
    else:
        weights = commune_weights()
        commune = pick(rng, list(weights), list(weights.values()))
    family = pick(rng, ["A1", "A2", "A3", "A4", "A5"], FAMILY_BY_AGE[age])
    return Person(age, woman, sex_code, commune, family, draw_children(rng, age, family))


def draw_children(rng: np.random.Generator, age: int, family: str) -> int:
    if family in ("A3", "A4"):
        if age >= 2 and rng.random() < 0.35:
            return 0  # children aged 18 or more
        return int(rng.choice([1, 2, 3, 4], p=[0.38, 0.42, 0.15, 0.05]))
    if family == "A5" and rng.random() < 0.2:
        return 1
    return 0


def _likert_code(rng: np.random.Generator, mean: float, points: int, *, dont_know: float) -> str:
    if rng.random() < dont_know:
        return "A9"
    score = int(np.clip(np.rint(rng.normal(mean, 0.95)), 1, points))
    return f"A{score}"


def _services(rng: np.random.Generator, person: Person) -> tuple[str, ...]:
    young_children = person.children > 0 and person.age <= 2
    probs = {
        "SQ001": 0.55 if young_children else 0.10,
        "SQ002": 0.50 if person.age == 0 or (person.children > 0 and person.age <= 2) else 0.18,
        "SQ003": 0.42,
        "SQ004": 0.62 if person.age in (0, 4) else 0.42,
        "SQ005": 0.55 if person.age >= 3 else 0.33,
        "SQ006": 0.38 if person.age >= 3 else 0.18,
        "SQ007": 0.36,
    }
    return tuple(code for code, p in probs.items() if rng.random() < p)


def habitants_answers(rng: np.random.Generator, person: Person) -> dict[str, Any]:
    """The answers of one resident, before non-response."""
    age, woman = person.age, person.woman
    has_children = person.children > 0
    non = 0.74 if age == 0 else 0.61 if age in (1, 2) else 0.74 if age == 3 else 0.84
    non += 0.04 if woman else 0.0
    lieux = "A9" if rng.random() < 0.07 else ("A2" if rng.random() < non else "A1")
    renounce = 0.14 + (0.10 if person.family == "A4" or age == 4 else 0.0)
    droits = "A9" if rng.random() < 0.06 else ("A1" if rng.random() < renounce else "A2")
    mobility = (
        (0.86, 0.03, 0.03, 0.05, 0.03) if age in (1, 2, 3) else (0.55, 0.12, 0.10, 0.16, 0.07)
    )
    return {
        "age": f"A{age + 1}",
        "sexe": person.sex_code,
        "commune": person.commune,
        "famille": person.family,
        "enfants": person.children,
        "satisfaction_lieux": _likert_code(
            rng, (3.4, 3.1, 2.9, 2.5, 2.1)[age] - (0.15 if woman else 0.0), 5, dont_know=0.06
        ),
        "lieux_acces": lieux,
        "services": _services(rng, person),
        "petite_enfance": _likert_code(
            rng, 1.9 if has_children else 2.3, 4, dont_know=0.10 if has_children else 0.45
        ),
        "jeunesse": _likert_code(
            rng, 1.9 if age == 0 else 2.2, 4, dont_know=0.12 if has_children or age == 0 else 0.35
        ),
        "acces_droits": droits,
        "mobilite": pick(rng, ["A1", "A2", "A3", "A4", "A5"], mobility),
    }


def apply_non_response(
    rng: np.random.Generator, answers: dict[str, Any], rates: Mapping[str, float]
) -> dict[str, Any]:
    """Blank some answers (multiple choice: no box ticked)."""
    out = dict(answers)
    for question, rate in rates.items():
        if rng.random() < rate:
            out[question] = () if isinstance(out[question], tuple) else None
    return out


def truncate(answers: dict[str, Any], items: Sequence[Item], lastpage: int) -> dict[str, Any]:
    """Answers of an abandoned questionnaire: pages from ``lastpage`` on are blank."""
    return {item.id: answers.get(item.id) if item.page < lastpage else None for item in items}


# --------------------------------------------------------------------------------------
# Free text (entirely fictional; identifiers are fake, phone numbers from ARCEP's
# range reserved for fiction: 06 39 98 xx xx)
# --------------------------------------------------------------------------------------

HABITANTS_SENTENCES: dict[str, tuple[str, ...]] = {
    "mobilite": (
        (
            "Il manque un bus pour aller à Montfictif-les-Bains le samedi, sans voiture on est "
            "coincé."
        ),
        "Le transport à la demande est trop compliqué à réserver.",
        "Un covoiturage organisé entre les villages aiderait pour aller travailler.",
        "Les jeunes sans permis ne peuvent pas se déplacer le soir.",
        "Pour les personnes âgées, se déplacer jusqu'au médecin devient un vrai problème.",
    ),
    "logement": (
        "Trop peu de logements à louer pour les jeunes couples, et les loyers augmentent.",
        "Beaucoup de maisons vides dans le bourg alors qu'on cherche un logement.",
        "Il faudrait des logements adaptés pour les personnes âgées près des commerces.",
    ),
    "enfance": (
        (
            "Pas assez de places en crèche : nous avons attendu un an pour une assistante "
            "maternelle."
        ),
        "Le périscolaire ferme trop tôt pour les parents qui travaillent loin.",
        "Un centre de loisirs pendant toutes les vacances scolaires serait le bienvenu.",
        "Les enfants n'ont aucune activité le mercredi après-midi.",
    ),
    "lien_social": (
        "Il n'y a plus de café ni d'endroit pour se retrouver au village.",
        "La salle des fêtes est souvent fermée, on pourrait en faire un lieu de rencontre.",
        "Beaucoup de personnes âgées sont isolées l'hiver.",
        "Merci aux associations qui font vivre la commune, il faudrait les aider davantage.",
        "Une animation régulière (repas partagé, marché) créerait du lien.",
    ),
    "acces_aux_droits": (
        ("Les démarches en ligne (CAF, impôts) sont difficiles sans bonne connexion internet."),
        "Une permanence France services plus proche aiderait pour les dossiers.",
        "On ne sait pas à qui s'adresser pour connaître ses droits.",
    ),
}
GENERIC_SENTENCES = (
    "Merci pour cette enquête.",
    "Rien à ajouter.",
    "Bonne initiative, continuez à nous consulter.",
)
PERSONAL_SENTENCES = (
    "Vous pouvez me joindre au 06 39 98 12 34.",
    "Mon adresse : camille.durand@exemple.fr",
    "Contactez-moi au +33 6 39 98 45 67 si besoin.",
    "J'habite au 12 rue des Lilas et je peux accueillir une réunion.",
    "Mme Martin, de l'association des parents d'élèves, est prête à participer.",
    "Écrivez-moi à prenom.nom@exemple.fr, je veux bien aider.",
    "Tél. 06.39.98.70.21 le soir.",
    "M. Durand (3 impasse des Écoles) propose sa grange pour des animations.",
    "Mon numéro : 0639985566.",
)
PERSONAL_SHARE = 0.13


def _theme_weights(person: Person) -> dict[str, float]:
    return {
        "mobilite": 1.5 if person.age in (0, 4) else 1.0,
        "logement": 1.2 if person.age <= 1 else 0.6,
        "enfance": 1.6 if person.children > 0 else 0.4,
        "lien_social": 1.4 if person.age >= 3 else 1.0,
        "acces_aux_droits": 1.2 if person.age >= 3 or person.family == "A4" else 0.7,
    }


def free_text(rng: np.random.Generator, person: Person, personal: str | None = None) -> str:
    """A fictional remark: one or two sentences, then ``personal`` details if given."""
    if rng.random() < 0.08:
        sentences = [str(rng.choice(GENERIC_SENTENCES))]
    else:
        weights = _theme_weights(person)
        themes = list(weights)
        count = 1 if rng.random() < 0.6 else 2
        chosen = rng.choice(
            len(themes),
            size=count,
            replace=False,
            p=np.asarray(list(weights.values())) / sum(weights.values()),
        )
        sentences = [str(rng.choice(HABITANTS_SENTENCES[themes[int(i)]])) for i in chosen]
    if personal:
        sentences.append(personal)
    separator = "\n" if len(sentences) > 1 and rng.random() < 0.12 else " "
    return separator.join(sentences)


# --------------------------------------------------------------------------------------
# Times and identifiers
# --------------------------------------------------------------------------------------


def _local_offset(moment: datetime) -> str:
    """UTC offset of the French local time ``moment`` (2026 rules)."""
    return "+02:00" if moment >= SUMMER_TIME_2026 else "+01:00"


def _start_times(rng: np.random.Generator, n: int, first: datetime, days: int) -> list[datetime]:
    """Sorted, distinct start times: more answers at the launch and in the evening."""
    day_p = np.exp(-np.arange(days) / 12.0)
    day_p[[0, 1, 14, 15]] *= 2.5  # launch and a reminder in the local newsletter
    hours = np.arange(7, 23)
    hour_p = np.where((hours >= 18) & (hours <= 21), 2.2, 1.0)
    hour_p[(hours >= 12) & (hours <= 13)] = 1.6
    times: set[datetime] = set()
    while len(times) < n:
        day = int(rng.choice(days, p=day_p / day_p.sum()))
        hour = int(rng.choice(hours, p=hour_p / hour_p.sum()))
        moment = first.replace(hour=0) + timedelta(
            days=day, hours=hour, seconds=int(rng.integers(3600))
        )
        times.add(moment)
    return sorted(times)


def _uuid(rng: np.random.Generator) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


def _version_id(rng: np.random.Generator) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "v" + "".join(alphabet[int(i)] for i in rng.integers(len(alphabet), size=21))


# --------------------------------------------------------------------------------------
# The two surveys
# --------------------------------------------------------------------------------------


def draw_submissions(
    seed: int,
    stream: int,
    answers: list[dict[str, Any]],
    complete: list[bool],
    lastpages: list[int],
    first: datetime,
    days: int,
) -> list[Submission]:
    """Attach times and LimeSurvey seeds; incomplete ones stop at their last page."""
    rng = _rng(seed, _TIMES, stream)
    starts = _start_times(rng, len(answers), first, days)
    order = rng.permutation(len(answers))
    subs = []
    for start, index in zip(starts, order, strict=True):
        done = complete[index]
        pages = lastpages[index] if not done else 0
        minutes = float(rng.uniform(3.0, 14.0)) * (1.0 if done else pages / 4.0 + 0.15)
        end = start + timedelta(seconds=int(minutes * 60) + 7)
        subs.append(
            Submission(
                answers[index],
                start,
                end,
                done,
                lastpages[index],
                int(rng.integers(100_000_000, 2_000_000_000)),
            )
        )
    return subs


def add_duplicates(
    rng: np.random.Generator, subs: list[Submission], count: int
) -> list[Submission]:
    """Insert exact re-submissions right after ``count`` complete records.

    ``duplicate_of`` is the position of the original in the returned list.
    """
    complete = [i for i, s in enumerate(subs) if s.complete and s.answers.get("remarques")]
    chosen = sorted(int(i) for i in rng.choice(complete, size=count, replace=False))
    out: list[Submission] = []
    for index, sub in enumerate(subs):
        out.append(sub)
        if index in chosen:
            out.append(replace(sub, answers=dict(sub.answers), duplicate_of=len(out) - 1))
    return out


def _kobo_ids(rng: np.random.Generator, subs: list[Submission]) -> None:
    """Kobo ``_id``/``_uuid``/``_submission_time`` (UTC) in order of receipt."""
    received = sorted(range(len(subs)), key=lambda i: (subs[i].end, i))
    next_id = KOBO_FIRST_ID
    for index in received:
        sub = subs[index]
        next_id += int(rng.integers(1, 40))
        sub.kobo_id = next_id
        sub.uuid = _uuid(rng)
        hours = 2 if _local_offset(sub.end) == "+02:00" else 1
        delay = 0 if sub.duplicate_of is not None else int(rng.integers(1, 4))
        sub.received = sub.end - timedelta(hours=hours) + timedelta(seconds=delay)
    for index in received:  # a duplicate is received with its original
        sub = subs[index]
        if sub.duplicate_of is not None:
            sub.received = subs[sub.duplicate_of].received


def build_habitants(seed: int) -> list[Submission]:
    """Every record of the residents' survey, in LimeSurvey ``id`` order."""
    total = N_HABITANTS + N_HABITANTS_INCOMPLETE
    answers, complete, lastpages = [], [], []
    personal_count = 0
    for index in range(total):
        rng = _rng(seed, _PROFILE, index)
        person = draw_person(rng)
        raw = habitants_answers(_rng(seed, _ANSWERS, index), person)
        raw = apply_non_response(rng, raw, NON_RESPONSE)
        text_rng = _rng(seed, _TEXT, index)
        raw["remarques"] = None
        if text_rng.random() < TEXT_SHARE:
            personal = None
            if text_rng.random() < PERSONAL_SHARE:  # every variant in turn
                personal = PERSONAL_SENTENCES[personal_count % len(PERSONAL_SENTENCES)]
                personal_count += 1
            raw["remarques"] = free_text(text_rng, person, personal)
        done = index < N_HABITANTS
        lastpage = (
            HABITANTS.pages if done else int(rng.choice([1, 2, 3, 4], p=[0.3, 0.3, 0.25, 0.15]))
        )
        answers.append(raw if done else truncate(raw, HABITANTS_ITEMS, lastpage))
        complete.append(done)
        lastpages.append(lastpage)
    subs = draw_submissions(seed, 1, answers, complete, lastpages, HABITANTS_START, HABITANTS_DAYS)
    subs = add_duplicates(_rng(seed, _IDS, 1), subs, N_DUPLICATES)
    _kobo_ids(_rng(seed, _IDS, 2), subs)
    return subs


ELUS_SENTENCES = (
    "Nous manquons de moyens pour ouvrir un accueil de loisirs le mercredi.",
    "La CTG doit associer davantage les petites communes.",
    "Il faudrait mutualiser un animateur jeunesse avec la communauté de communes.",
    "La salle communale pourrait accueillir des permanences et des rencontres.",
    "Le budget de la commune ne permet pas de financer seule une crèche.",
    "Beaucoup d'habitants âgés souffrent d'isolement l'hiver.",
    "Travailler ensemble à l'échelle de l'intercommunalité est indispensable.",
    "Les associations s'essoufflent faute de bénévoles.",
)
ELUS_PERSONAL = (
    "Contact : Mme Bernard, secrétaire de mairie, 06 39 98 30 11.",
    "Me joindre à l'adresse maire.exemple@exemple.fr.",
)


def elus_answers(rng: np.random.Generator, commune: str, mayor: bool) -> dict[str, Any]:
    """The answers of one councillor, before non-response."""
    function = "A1" if mayor else pick(rng, ["A2", "A3"], [0.55, 0.45])
    count = int(rng.choice([1, 2, 3], p=[0.15, 0.35, 0.5]))
    weights = [0.9, 1.3, 0.6, 0.7, 1.1, 0.8, 1.0]
    codes = [f"SQ00{i}" for i in range(1, 8)]
    chosen = rng.choice(7, size=count, replace=False, p=np.asarray(weights) / sum(weights))
    text = None
    if rng.random() < 0.5:
        text = " ".join(
            str(s) for s in rng.choice(ELUS_SENTENCES, size=int(rng.choice([1, 2])), replace=False)
        )
        if rng.random() < 0.12:
            text += " " + str(rng.choice(ELUS_PERSONAL))
    return {
        "commune": commune,
        "fonction": function,
        "priorites": tuple(codes[i] for i in sorted(int(c) for c in chosen)),
        "ctg_connue": pick(
            rng, ["A1", "A2", "A9"], [0.8, 0.18, 0.02] if mayor else [0.5, 0.45, 0.05]
        ),
        "ctg_utile": _likert_code(rng, 3.1, 4, dont_know=0.08),
        "ctg_associe": _likert_code(rng, 2.9 if mayor else 2.2, 4, dont_know=0.05),
        "lieux_acces": pick(rng, ["A1", "A2", "A9"], [0.40, 0.55, 0.05]),
        "cooperation": _likert_code(rng, 2.6, 4, dont_know=0.05),
        "remarques": text,
    }


def build_elus(seed: int) -> list[Submission]:
    """Every record of the councillors' survey, in LimeSurvey ``id`` order."""
    rng = _rng(seed, _ELUS, 0)
    communes = territory_communes()
    weights = commune_weights()
    p = np.sqrt([weights[code] for code, _ in communes])
    total = N_ELUS + N_ELUS_INCOMPLETE
    drawn = [communes[int(i)][0] for i in rng.choice(len(communes), size=total, p=p / p.sum())]
    seen: set[str] = set()
    answers, complete, lastpages = [], [], []
    for index, commune in enumerate(drawn):
        mayor = commune not in seen and rng.random() < 0.85
        seen.add(commune)
        raw = elus_answers(_rng(seed, _ELUS_TEXT, index), commune, mayor)
        raw = apply_non_response(rng, raw, {q.id: 0.04 for q in ELUS_ITEMS if q.type != "text"})
        done = index < N_ELUS
        lastpage = ELUS.pages if done else 2
        answers.append(raw if done else truncate(raw, ELUS_ITEMS, lastpage))
        complete.append(done)
        lastpages.append(lastpage)
    return draw_submissions(seed, 2, answers, complete, lastpages, ELUS_START, ELUS_DAYS)


# --------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------

LIMESURVEY_SYSTEM = (
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
)
KOBO_SYSTEM = (
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
)


def _iso_seconds(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _answer_cell(item: Item, value: Any) -> str:
    """A single-column answer as written by LimeSurvey and Kobo (codes)."""
    if value is None:
        return ""
    if item.type == "numeric":
        return str(int(value))
    return str(value)


def _limesurvey_quote(value: str) -> str:
    r"""LimeSurvey's CsvWriter: every field quoted, line breaks as ``\n``."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return '"' + value.replace('"', '""') + '"'


def limesurvey_bytes(items: Sequence[Item], subs: Sequence[Submission], *, brackets: bool) -> bytes:
    """A LimeSurvey "Export responses" CSV (codes; multiple choice ``Y`` or empty).

    ``brackets`` gives LimeSurvey's default headings ``q[SQ001]``; otherwise the
    ExpressionScript headings ``q_SQ001``.
    """
    header = list(LIMESURVEY_SYSTEM)
    for item in items:
        if item.type == "multiple":
            header += [
                f"{item.column}[{c.code}]" if brackets else f"{item.column}_{c.code}"
                for c in item.choices
            ]
        else:
            header.append(item.column)
    rows = [header]
    for number, sub in enumerate(subs, start=1):
        row = [
            str(number),
            _iso_seconds(sub.end) if sub.complete else "",
            str(sub.lastpage),
            "fr",
            str(sub.seed),
            _iso_seconds(sub.start),
            _iso_seconds(sub.end),
        ]
        for item in items:
            value = sub.answers.get(item.id)
            if item.type == "multiple":
                row += ["Y" if value and c.code in value else "" for c in item.choices]
            else:
                row.append(_answer_cell(item, value))
        rows.append(row)
    text = "".join(",".join(_limesurvey_quote(c) for c in row) + "\r\n" for row in rows)
    return b"\xef\xbb\xbf" + (text + "\r\n").encode("utf-8")


def _label_cell(item: Item, value: Any) -> str:
    """An answer as Google Forms writes it (labels, checkboxes joined by ", ")."""
    if value is None or value == ():
        return ""
    if item.type == "multiple":
        return ", ".join(c.label for c in item.choices if c.code in value)
    if item.type in ("single", "likert"):
        return item.choice(value).label
    return _answer_cell(item, value)


def _complete_in_receipt_order(subs: Sequence[Submission]) -> list[Submission]:
    done = [s for s in subs if s.complete]
    return sorted(done, key=lambda s: (s.received or s.end, s.kobo_id))


def googleforms_bytes(items: Sequence[Item], subs: Sequence[Submission]) -> bytes:
    """The responses sheet of a Google Form downloaded as CSV (French locale)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Horodateur"] + [item.label for item in items])
    for sub in _complete_in_receipt_order(subs):
        writer.writerow(
            [sub.end.strftime("%d/%m/%Y %H:%M:%S")]
            + [_label_cell(item, sub.answers.get(item.id)) for item in items]
        )
    return buffer.getvalue().encode("utf-8")


def _kobo_time(moment: datetime, millis: int) -> str:
    return f"{moment.strftime('%Y-%m-%dT%H:%M:%S')}.{millis:03d}{_local_offset(moment)}"


def _kobo_name(item: Item) -> str:
    return f"{item.group}/{item.column}" if item.group else item.column


def kobo_table(
    items: Sequence[Item], subs: Sequence[Submission], *, version: str, per_option: bool
) -> list[list[Any]]:
    """Header and rows of a Kobo export with XML values and headers.

    ``per_option``: the select_multiple as one ``q/CODE`` column per option (1/0, ints);
    otherwise one column of space-separated codes. Numbers are ints in both.
    """
    header: list[Any] = ["start", "end"]
    for item in items:
        if item.type == "multiple" and per_option:
            header += [f"{_kobo_name(item)}/{c.code}" for c in item.choices]
        else:
            header.append(_kobo_name(item))
    header += list(KOBO_SYSTEM)
    rows: list[list[Any]] = [header]
    for index, sub in enumerate(_complete_in_receipt_order(subs), start=1):
        row: list[Any] = [
            _kobo_time(sub.start, sub.seed % 1000),
            _kobo_time(sub.end, (sub.seed // 1000) % 1000),
        ]
        for item in items:
            value = sub.answers.get(item.id)
            if item.type == "multiple" and per_option:
                row += [None if not value else int(c.code in value) for c in item.choices]
            elif item.type == "multiple":
                row.append(" ".join(c.code for c in item.choices if c.code in (value or ())))
            elif item.type == "numeric":
                row.append(None if value is None else int(value))
            else:
                row.append(None if value is None else str(value))
        assert sub.received is not None
        row += [
            sub.kobo_id,
            sub.uuid,
            sub.received.strftime("%Y-%m-%dT%H:%M:%S"),
            "",
            "",
            "submitted_via_web",
            "",
            version,
            "",
            index,
        ]
        rows.append(row)
    return rows


def kobo_csv_bytes(table: Sequence[Sequence[Any]]) -> bytes:
    """KoboToolbox CSV: ``;``, every field double-quoted, CRLF, UTF-8 without BOM."""

    def cell(value: Any) -> str:
        return "" if value is None else str(value).replace('"', '""')

    text = "".join('"' + '";"'.join(cell(v) for v in row) + '"\r\n' for row in table)
    return text.encode("utf-8")


def kobo_xlsx_bytes(table: Sequence[Sequence[Any]]) -> bytes:
    """KoboToolbox XLSX: one sheet named after the form, header row then the records."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = KOBO_SHEET
    for row in table:
        sheet.append(list(row))
    return xlsx_bytes(workbook)


# --------------------------------------------------------------------------------------
# Codebooks and README
# --------------------------------------------------------------------------------------


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _option_yaml(choice: Choice, *, score: bool) -> str:
    parts = [f"code: {_q(choice.code)}", f"label: {_q(choice.label)}"]
    if choice.census:
        parts.append("census: [" + ", ".join(_q(c) for c in choice.census) + "]")
    if choice.dont_know:
        parts.append("dont_know: true")
    if score and choice.score is not None:
        parts.append(f"score: {choice.score}")
    return "      - {" + ", ".join(parts) + "}"


def _item_yaml(item: Item) -> list[str]:
    lines = [
        f"  - id: {item.id}",
        f"    label: {_q(item.label)}",
        f"    type: {item.type}",
        f"    column: {item.column}",
    ]
    if item.describes:
        lines.append(f"    describes: {item.describes}")
    if item.choices:
        lines.append("    options:")
        lines += [_option_yaml(c, score=item.type == "likert") for c in item.choices]
    if item.finding:
        codes, text = item.finding
        lines += [
            "    finding:",
            "      codes: [" + ", ".join(_q(c) for c in codes) + "]",
            f"      text: {_q(text)}",
        ]
    if item.themes:
        lines.append("    themes:")
        lines += [
            f"      {name}: [" + ", ".join(_q(w) for w in words) + "]"
            for name, words in item.themes
        ]
    return lines


def codebook_yaml(spec: SurveySpec) -> bytes:
    """The codebook of a fictional survey (validated by ``load_codebook``)."""
    lines = [
        spec.header_comment.rstrip("\n"),
        "survey:",
        f"  id: {spec.id}",
        f"  title: {_q(spec.title)}",
        f"  universe: {_q(spec.universe)}",
        "  incomplete: exclude",
        "  unknown_answers: error",
        "  redact_terms: []",
        "questions:",
    ]
    for item in spec.items:
        lines += _item_yaml(item)
    return ("\n".join(lines) + "\n").encode("utf-8")


README = """\
# Enquêtes de démonstration — ENTIÈREMENT FICTIVES / Demo surveys — ENTIRELY FICTIONAL

**Français.** Ces fichiers simulent deux enquêtes menées pour la convention territoriale
globale (CTG) de la « CC du Haut-Val fictif » (EPCI fictif `000000101`, 16 communes en
géographie 2025, voir `../README.md`). Aucune réponse n'a été donnée par une personne
réelle : les réponses, noms, adresses, courriels et numéros de téléphone sont inventés
(numéros pris dans la tranche réservée à la fiction par l'Arcep, `06 39 98 xx xx` ;
courriels en `@exemple.fr`). Ils reproduisent les formats d'export réels de LimeSurvey,
Google Forms et KoboToolbox pour essayer et tester ctgstats. Ils sont produits par
`python -m ctgstats.demo.surveys` (graine {seed}) ; relancer la commande redonne des
fichiers identiques à l'octet près (vérifié par les tests).

**English.** These files simulate two surveys run for the CTG of the fictional "CC du
Haut-Val fictif" (fictional EPCI `000000101`, 16 communes in the 2025 geography, see
`../README.md`). No real person answered: answers, names, addresses, emails and phone
numbers are invented (phone numbers from the range ARCEP reserves for fiction,
`06 39 98 xx xx`; emails at `@exemple.fr`). They copy the real export formats of
LimeSurvey, Google Forms and KoboToolbox so that ctgstats can be tried and tested. They are
generated by `python -m ctgstats.demo.surveys` (seed {seed}); rerunning it gives
byte-identical files (checked by the tests).

## Fichiers / Files

| Fichier | Contenu |
|---|---|
| `habitants_limesurvey.csv` | LimeSurvey « Exporter les réponses » : CSV `,`, tous les champs entre guillemets, UTF-8 avec BOM, fins de ligne CRLF ; colonnes système `id,submitdate,lastpage,startlanguage,seed,startdate,datestamp` ; en-têtes = codes des questions (option ExpressionScript : choix multiple `services_SQ001` … = `Y` ou vide) ; valeurs = codes des réponses. {n_lime} lignes dont {n_incomplete} questionnaires incomplets (`submitdate` vide) et {n_dup} doublons. |
| `habitants_googleforms.csv` | Google Forms (feuille de réponses téléchargée en CSV, paramètres régionaux France) : `Horodateur` (`14/03/2026 10:22:31`) puis les textes des questions ; valeurs = libellés ; cases à cocher jointes par `", "` ; UTF-8 sans BOM. {n_google} lignes : les questionnaires envoyés (Google Forms ne garde pas les incomplets), doublons compris. |
| `habitants_kobo.csv` | KoboToolbox, « XML values and headers », CSV `;` tout entre guillemets : `start`, `end`, questions (`profil/age` …), select_multiple en une colonne `services` de codes séparés par des espaces, colonnes système `_id` … `_index` à la fin. {n_google} lignes. |
| `habitants_kobo.xlsx` | Le même export Kobo en XLSX, select_multiple en une colonne par option `services/SQ001` … (1/0) ; nombres en cellules numériques. |
| `elus_limesurvey.csv` | LimeSurvey, enquête auprès des élus municipaux, en-têtes par défaut (`priorites[SQ001]`) ; {n_elus} lignes dont {n_elus_incomplete} incomplètes. |
| `codebook_habitants.yaml` | Codebook de l'enquête habitants, valable pour les trois exports. |
| `codebook_elus.yaml` | Codebook de l'enquête élus. |

## Schéma de nommage / Naming scheme

Un seul codebook sert les trois exports : `column` = code de question LimeSurvey = nom de
question Kobo (lettres et chiffres seulement, comme l'exige LimeSurvey) ; les codes des
options (`A1` …, `SQ001` …, codes communes `00001` …) = codes de réponse LimeSurvey = noms
des choix Kobo ; Google Forms est lu sur le texte des questions (`label`) et les libellés.
One codebook serves the three exports: `column` = LimeSurvey question code = Kobo question
name; option codes = LimeSurvey answer codes = Kobo choice names; Google Forms is matched on
the question text (`label`) and the option labels.

## Questions (habitants)

| id | column | type | question |
|---|---|---|---|
{habitants_rows}

## Pièges volontaires / Deliberate traps

- Échantillon non représentatif (questionnaire en ligne à participation libre) : trop de
  femmes et de 30-59 ans, trop peu de 75 ans ou plus ; le calage sur les marges du
  recensement change visiblement les résultats. Not representative on purpose.
- Quelques répondants « Autre / ne souhaite pas répondre » au sexe (non calables) et
  quelques-uns habitant une « Autre commune » (hors territoire, code `AUTRE`).
- Non-réponses partielles (5 à 15 % selon la question), questionnaires incomplets
  (LimeSurvey seulement), {n_dup} soumissions en double (mêmes réponses, même horodatage).
- Réponses libres contenant des données personnelles fictives (courriels, téléphones,
  adresse, « Mme Martin ») à masquer avant toute publication.
- Une option contenant une virgule (« Sport, culture et loisirs ») : la cellule Google Forms
  des cases à cocher ne se découpe pas sur la seule virgule.
- Codes communes à zéros initiaux (`00001`) : à lire comme du texte.
"""


def readme_bytes(seed: int, habitants: Sequence[Submission], elus: Sequence[Submission]) -> bytes:
    """README.md (French and English) of the survey folder."""
    rows = "\n".join(f"| `{i.id}` | `{i.column}` | {i.type} | {i.label} |" for i in HABITANTS_ITEMS)
    text = README.format(
        seed=seed,
        n_lime=len(habitants),
        n_incomplete=sum(not s.complete for s in habitants),
        n_dup=sum(s.duplicate_of is not None for s in habitants),
        n_google=sum(s.complete for s in habitants),
        n_elus=len(elus),
        n_elus_incomplete=sum(not s.complete for s in elus),
        habitants_rows=rows,
    )
    return text.encode("utf-8")


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


def survey_files(seed: int = DEFAULT_SEED) -> dict[str, bytes]:
    """The content of every file of the survey folder, by file name."""
    habitants = build_habitants(seed)
    elus = build_elus(seed)
    version = _version_id(_rng(seed, _IDS, 3))
    return {
        "README.md": readme_bytes(seed, habitants, elus),
        "codebook_habitants.yaml": codebook_yaml(HABITANTS),
        "codebook_elus.yaml": codebook_yaml(ELUS),
        "habitants_limesurvey.csv": limesurvey_bytes(HABITANTS_ITEMS, habitants, brackets=False),
        "habitants_googleforms.csv": googleforms_bytes(HABITANTS_ITEMS, habitants),
        "habitants_kobo.csv": kobo_csv_bytes(
            kobo_table(HABITANTS_ITEMS, habitants, version=version, per_option=False)
        ),
        "habitants_kobo.xlsx": kobo_xlsx_bytes(
            kobo_table(HABITANTS_ITEMS, habitants, version=version, per_option=True)
        ),
        "elus_limesurvey.csv": limesurvey_bytes(ELUS_ITEMS, elus, brackets=True),
    }


def generate_surveys(output_dir: Path | str, *, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the fictional surveys, their codebooks and README into ``output_dir``.

    Parameters
    ----------
    output_dir
        Folder receiving the files (created if needed); the package's copy is
        ``ctgstats/demo/data/enquetes``.
    seed
        Seed of every random stream.

    Returns
    -------
    list of Path
        The written files.
    """
    return write_files(output_dir, survey_files(seed))


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m ctgstats.demo.surveys [--output DIR] [--seed N]``."""
    from ctgstats.demo import DATA_DIR

    generator_main(
        argv,
        description="Génère les enquêtes fictives (habitants, élus) du "
        "territoire de démonstration.",
        default_dir=DATA_DIR / "enquetes",
        default_seed=DEFAULT_SEED,
        generate=generate_surveys,
    )


if __name__ == "__main__":
    main()
