"""Generate the FICTIONAL follow-up data of the demo territory's CTG (T0 → T+3).

The demo's convention territoriale globale (CTG) of the "CC du Haut-Val fictif" (EPCI
``000000101``, see :mod:`ctgstats.demo.generate`) is signed on a T0 diagnostic (census
RP2022, Filosofi 2019, local data of 2022, resident survey wave 1 of March 2026) and
evaluated about three years later (local data of 2025, resident survey wave 2 of March
2029). This module writes what the later measurement needs::

    python -m ctgstats.demo.followup [--output DIR] [--seed N]

Files (default folder ``src/ctgstats/demo/data/suivi``):

``donnees_locales.csv``
    The ctgstats user-table template (columns
    ``indicateur,code,niveau,periode,valeur,numerateur,denominateur,source,commentaire``;
    UTF-8 without BOM, ``,``, decimal point, LF) with fictional CAF / PMI / services data
    for 2022-2025: the EPCI, the département ``00`` as comparator and, for two counts, the
    communes of the 2025 geography (EPCI = sum of its communes).
``donnees_locales.xlsx``
    The same rows in a workbook (sheet ``donnees``, header on row 1, codes as text).
``habitants_vague2_limesurvey.csv``
    Wave 2 (March 2029) of the resident survey, same questionnaire and codebook
    (``enquetes/codebook_habitants.yaml``) and the same LimeSurvey export format as wave
    1; answers shifted after three years of the fictional action plan.
``plan_action.yaml``
    The fictional action plan (a list of fiches actions with their targets), read by
    ``indicators.action_plan_file`` in ``params/demo.yaml``.
``README.md``
    What the files are (French and English), and the status each target is expected to
    reach.

Determinism: the local data are written from fixed tables, the commune split uses
``numpy.random.default_rng([seed, stream, index])``; the survey reuses the respondent
simulation, the timing and the LimeSurvey writer of :mod:`ctgstats.demo.surveys` (its
module-level helpers, some private) with its own seed (so wave 2 draws other respondents),
its own age shares (:data:`WAVE2_AGE_SHARES`) and an extra random stream for the shift of
the answers; the shift probabilities were tuned once so that the weighted shares move as
the README says; the XLSX is serialised by :func:`ctgstats.demo.generate.xlsx_bytes`. Running the
generator twice gives byte-identical files.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook

from ctgstats.demo import generator_main, write_files
from ctgstats.demo.generate import COMMUNES, DEP_CODE, fmt_decimal, new_code, xlsx_bytes
from ctgstats.demo.surveys import DEFAULT_SEED as SURVEYS_SEED
from ctgstats.demo.surveys import (
    FAMILY_BY_AGE,
    HABITANTS,
    HABITANTS_ITEMS,
    NON_RESPONSE,
    OUTSIDE,
    OUTSIDE_SHARE,
    PERSONAL_SENTENCES,
    PERSONAL_SHARE,
    SEX_SHARES,
    TEXT_SHARE,
    Person,
    Submission,
    add_duplicates,
    apply_non_response,
    build_habitants,
    commune_weights,
    draw_children,
    draw_submissions,
    free_text,
    habitants_answers,
    limesurvey_bytes,
    pick,
    truncate,
)

DEFAULT_SEED = 20261126
HAUT_VAL = "000000101"
FICTIVE = "(données fictives)"

USER_TABLE_COLUMNS = (
    "indicateur",
    "code",
    "niveau",
    "periode",
    "valeur",
    "numerateur",
    "denominateur",
    "source",
    "commentaire",
)
YEARS = (2022, 2023, 2024, 2025)
T0_YEAR, LATEST_YEAR = 2022, 2025

# Random streams (second key of every generator). 1-7 are those of demo.surveys.
_PROFILE, _ANSWERS, _TEXT, _IDS = 1, 2, 3, 5
_SHIFT, _WAVE2_TEXT, _COMMUNE_SPLIT = 8, 9, 10

# --------------------------------------------------------------------------------------
# Local data (CAF, PMI, services): fictional yearly values
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalSeries:
    """A fictional local indicator: yearly values of the EPCI and of the département.

    ``epci`` / ``departement`` map a year to a count, or to a ``(numerator,
    denominator)`` pair for a ratio per 100 (``ratio=True``). ``communes``: the years for
    which the EPCI count is also given by commune (split by population, summing to it).
    """

    id: str
    source: str
    epci: dict[int, Any]
    departement: dict[int, Any]
    ratio: bool = False
    comment: str = ""
    epci_comments: tuple[tuple[int, str], ...] = ()
    communes: tuple[int, ...] = ()
    commune_zero_below: float = 0.0


LOCAL_SERIES: tuple[LocalSeries, ...] = (
    LocalSeries(
        "places_eaje_pour_100_enfants_moins_3",
        "CAF / PMI, places au 31/12 (données fictives)",
        epci={2022: (30, 167), 2023: (30, 164), 2024: (37, 161), 2025: (38, 158)},
        departement={2022: (530, 2409), 2023: (545, 2380), 2024: (560, 2351), 2025: (575, 2329)},
        ratio=True,
        comment="places en crèches et micro-crèches pour 100 enfants de moins de 3 ans",
        epci_comments=(
            (2024, ("ouverture d'une micro-crèche de 7 places à Saint-Fictif (septembre 2024)")),
        ),
    ),
    LocalSeries(
        "assistantes_maternelles_places",
        "PMI, places agréées au 31/12 (données fictives)",
        epci={2022: 212, 2025: 196},
        departement={2022: 2154, 2025: 2061},
        communes=(2022, 2025),
        commune_zero_below=100.0,
    ),
    LocalSeries(
        "allocataires_caf",
        "CAF, foyers allocataires au 31/12 (données fictives)",
        epci={2022: 1148, 2023: 1139, 2024: 1127, 2025: 1116},
        departement={2022: 13296, 2023: 13418, 2024: 13507, 2025: 13581},
        comment="foyer allocataire ≠ ménage Insee",
        communes=(2022, 2025),
    ),
    LocalSeries(
        "allocataires_rsa",
        "CAF, allocataires au 31/12 (données fictives)",
        epci={2022: 184, 2023: 187, 2024: 182, 2025: 183},
        departement={2022: 2641, 2023: 2612, 2024: 2586, 2025: 2571},
    ),
    LocalSeries(
        "allocataires_aah",
        "CAF, allocataires au 31/12 (données fictives)",
        epci={2022: 141, 2023: 146, 2024: 153, 2025: 158},
        departement={2022: 1710, 2023: 1746, 2024: 1791, 2025: 1832},
    ),
    LocalSeries(
        "allocataires_prime_activite",
        "CAF, allocataires au 31/12 (données fictives)",
        epci={2022: 302, 2023: 311, 2024: 323, 2025: 331},
        departement={2022: 3982, 2023: 4118, 2024: 4263, 2025: 4351},
    ),
    LocalSeries(
        "beneficiaires_aeeh",
        "CAF, bénéficiaires au 31/12 (données fictives)",
        epci={2022: 38, 2025: 44},
        departement={2022: 521, 2025: 597},
    ),
    LocalSeries(
        "frequentation_alsh",
        "CAF, bilans d'activité des accueils de loisirs (données fictives)",
        epci={2022: 268, 2023: 281, 2024: 296, 2025: 318},
        departement={2022: 3421, 2023: 3447, 2024: 3480, 2025: 3512},
        comment="enfants accueillis au moins une fois dans l'année",
        epci_comments=(
            (2023, ("ouverture de l'accueil de loisirs le mercredi à Montfictif-les-Bains")),
        ),
    ),
    LocalSeries(
        "jeunes_accueillis_structures_jeunesse",
        "Structures jeunesse, bilans annuels (données fictives)",
        epci={2022: 142, 2023: 136, 2024: 118, 2025: 121},
        departement={2022: 1583, 2023: 1601, 2024: 1622, 2025: 1640},
        comment="jeunes de 11 à 25 ans accueillis au moins une fois dans l'année",
        epci_comments=((2024, "poste d'animateur jeunesse vacant de mars à octobre 2024"),),
    ),
    LocalSeries(
        "personnes_accompagnees_france_services",
        "France services, bilans annuels (données fictives)",
        epci={2022: 610, 2023: 702, 2024: 815, 2025: 890},
        departement={2022: 7904, 2023: 8615, 2024: 9480, 2025: 10412},
        comment="personnes différentes accompagnées dans l'année",
        epci_comments=((2023, "permanences itinérantes dans 4 communes depuis 2023"),),
    ),
)


def _rng(seed: int, stream: int, index: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, stream, index])


def haut_val_communes() -> list[tuple[str, float]]:
    """``(code, population 2022)`` of the EPCI's communes in the 2025 geography."""
    populations: dict[str, float] = {}
    for commune in COMMUNES:
        if commune.epci == HAUT_VAL:
            code = new_code(commune.code)
            populations[code] = populations.get(code, 0.0) + commune.pop22
    return sorted(populations.items())


def split_count(rng: np.random.Generator, total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers proportional to noisy ``weights`` (exact sum).

    Largest-remainder rounding; a weight of 0 always gets 0.
    """
    w = np.asarray(weights, dtype=float) * rng.lognormal(0.0, 0.15, size=len(weights))
    quotas = total * w / w.sum()
    counts = np.floor(quotas).astype(int)
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[: total - int(counts.sum())]:
        counts[i] += 1
    return [int(c) for c in counts]


def _ratio_cells(pair: tuple[int, int]) -> tuple[str, str, str]:
    numerator, denominator = pair
    return fmt_decimal(numerator / denominator * 100), str(numerator), str(denominator)


def local_rows(seed: int = DEFAULT_SEED) -> list[list[str]]:
    """Every row of the local-data table, formatted cells in template column order."""
    communes = haut_val_communes()
    rows: list[list[str]] = []
    for index, series in enumerate(LOCAL_SERIES):
        comments = dict(series.epci_comments)
        for level, code, values in (
            ("epci", HAUT_VAL, series.epci),
            ("departement", DEP_CODE, series.departement),
        ):
            for year in sorted(values):
                if series.ratio:
                    value, numerator, denominator = _ratio_cells(values[year])
                else:
                    value, numerator, denominator = str(int(values[year])), "", ""
                comment = series.comment
                if level == "epci" and year in comments:
                    comment = f"{comment} – {comments[year]}" if comment else comments[year]
                rows.append(
                    [
                        series.id,
                        code,
                        level,
                        str(year),
                        value,
                        numerator,
                        denominator,
                        series.source,
                        comment,
                    ]
                )
        for year in series.communes:  # the same draw every year: stable commune shares
            weights = [0.0 if pop < series.commune_zero_below else pop for _, pop in communes]
            counts = split_count(_rng(seed, _COMMUNE_SPLIT, index), int(series.epci[year]), weights)
            for (code, _), count in zip(communes, counts, strict=True):
                rows.append(
                    [
                        series.id,
                        code,
                        "commune",
                        str(year),
                        str(count),
                        "",
                        "",
                        series.source,
                        series.comment,
                    ]
                )
    return rows


def local_csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """The template CSV: UTF-8 without BOM, ``,``, LF, quotes only where needed."""
    import csv

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(USER_TABLE_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _number(text: str) -> int | float | None:
    if text == "":
        return None
    return int(text) if text.lstrip("-").isdigit() else float(text)


def local_xlsx_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """The same rows as a workbook: sheet ``donnees``, codes as text, numbers as numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "donnees"
    sheet.append(list(USER_TABLE_COLUMNS))
    for row in rows:
        indicator, code, level, period, value, numerator, denominator, source, comment = row
        sheet.append(
            [
                indicator,
                code,
                level,
                int(period),
                _number(value),
                _number(numerator),
                _number(denominator),
                source,
                comment or None,
            ]
        )
    for cell in sheet["B"][1:]:
        cell.number_format = "@"
    return xlsx_bytes(workbook)


# --------------------------------------------------------------------------------------
# Resident survey, wave 2 (March 2029)
# --------------------------------------------------------------------------------------

WAVE2_START = datetime(2029, 3, 5, 7, 0, 0)  # a Monday, like wave 1 (2026-03-02)
WAVE2_DAYS = 42
N_WAVE2 = 300  # distinct respondents who submitted the questionnaire
N_WAVE2_INCOMPLETE = 15
N_WAVE2_DUPLICATES = 1
# Same opt-in skew as wave 1 (surveys.AGE_SHARES = .10 .28 .32 .22 .08; census 15+: .11 .15
# .25 .29 .19), a little more weight on the 75+: the seed's draws otherwise leave so few of
# them that the raking on the census margins cannot converge within its weight bounds.
WAVE2_AGE_SHARES = (0.10, 0.27, 0.31, 0.21, 0.11)

# Effect of three years of the fictional action plan (applied to wave-1 style answers).
LIEUX_TO_YES = 0.20  # "Non" (not enough places to meet) becomes "Oui"
SATISFACTION_UP = 0.38  # satisfaction with the places to meet: one point higher
PETITE_ENFANCE_UP = 0.15  # childcare offer judged one point better
DROITS_TO_NO = 0.25  # gave up a benefit -> did not (a small, non-significant fall)
WAVE2_SENTENCE_SHARE = 0.30

WAVE2_SENTENCES = (
    "Le café associatif ouvert au bourg permet enfin de se retrouver.",
    "L'espace de vie sociale propose une animation chaque semaine, c'est très bien.",
    "La nouvelle micro-crèche a aidé beaucoup de familles.",
    "La permanence France services dans la commune aide pour les dossiers.",
    "Il manque encore un lieu pour les jeunes le soir.",
)


def draw_wave2_person(rng: np.random.Generator) -> Person:
    """A wave-2 respondent, drawn with :data:`WAVE2_AGE_SHARES`.

    As :func:`ctgstats.demo.surveys.draw_person` with the same random draws, so only the
    age differs.
    """
    age = int(rng.choice(5, p=np.asarray(WAVE2_AGE_SHARES)))
    sex_code = pick(rng, list(SEX_SHARES), list(SEX_SHARES.values()))
    woman = sex_code == "A1" or (sex_code == "A3" and rng.random() < 0.5)
    if rng.random() < OUTSIDE_SHARE:
        commune = OUTSIDE
    else:
        weights = commune_weights()
        commune = pick(rng, list(weights), list(weights.values()))
    family = pick(rng, ["A1", "A2", "A3", "A4", "A5"], FAMILY_BY_AGE[age])
    return Person(age, woman, sex_code, commune, family, draw_children(rng, age, family))


def shift_answers(rng: np.random.Generator, answers: dict[str, Any]) -> dict[str, Any]:
    """Answers of a wave-1 style respondent after three years of the action plan.

    Always draws the same number of random numbers, so that the shift probabilities can
    be tuned without changing any other draw.
    """
    u_lieux, u_satisfaction, u_childcare, u_droits = rng.random(4)
    out = dict(answers)
    if out["lieux_acces"] == "A2" and u_lieux < LIEUX_TO_YES:
        out["lieux_acces"] = "A1"
    code = out["satisfaction_lieux"]
    if code in ("A1", "A2", "A3", "A4") and u_satisfaction < SATISFACTION_UP:
        out["satisfaction_lieux"] = f"A{int(code[1]) + 1}"
    code = out["petite_enfance"]
    if code in ("A1", "A2", "A3") and u_childcare < PETITE_ENFANCE_UP:
        out["petite_enfance"] = f"A{int(code[1]) + 1}"
    if out["acces_droits"] == "A1" and u_droits < DROITS_TO_NO:
        out["acces_droits"] = "A2"
    return out


def _remark(seed: int, index: int, person: Person, personal: str | None) -> str:
    text_rng = _rng(seed, _WAVE2_TEXT, index)
    text = free_text(text_rng, person, personal)
    if text_rng.random() < WAVE2_SENTENCE_SHARE:
        text = f"{WAVE2_SENTENCES[int(text_rng.integers(len(WAVE2_SENTENCES)))]} {text}"
    return text


def build_wave2(seed: int = DEFAULT_SEED) -> list[Submission]:
    """Every record of the wave-2 export, in LimeSurvey ``id`` order."""
    total = N_WAVE2 + N_WAVE2_INCOMPLETE
    answers, complete, lastpages = [], [], []
    personal_count = 0
    for index in range(total):
        rng = _rng(seed, _PROFILE, index)
        person = draw_wave2_person(rng)
        raw = habitants_answers(_rng(seed, _ANSWERS, index), person)
        raw = shift_answers(_rng(seed, _SHIFT, index), raw)
        raw = apply_non_response(rng, raw, NON_RESPONSE)
        text_rng = _rng(seed, _TEXT, index)
        raw["remarques"] = None
        if text_rng.random() < TEXT_SHARE:
            personal = None
            if text_rng.random() < PERSONAL_SHARE:
                personal = PERSONAL_SENTENCES[personal_count % len(PERSONAL_SENTENCES)]
                personal_count += 1
            raw["remarques"] = _remark(seed, index, person, personal)
        done = index < N_WAVE2
        lastpage = (
            HABITANTS.pages if done else int(rng.choice([1, 2, 3, 4], p=[0.3, 0.3, 0.25, 0.15]))
        )
        answers.append(raw if done else truncate(raw, HABITANTS_ITEMS, lastpage))
        complete.append(done)
        lastpages.append(lastpage)
    subs = draw_submissions(seed, 1, answers, complete, lastpages, WAVE2_START, WAVE2_DAYS)
    return add_duplicates(_rng(seed, _IDS, 1), subs, N_WAVE2_DUPLICATES)


def wave2_bytes(seed: int = DEFAULT_SEED) -> bytes:
    """The wave-2 LimeSurvey export (same headings and format as wave 1)."""
    return limesurvey_bytes(HABITANTS_ITEMS, build_wave2(seed), brackets=False)


# --------------------------------------------------------------------------------------
# Action plan
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedTarget:
    """A target of the action plan and the status the demo data are built to reach."""

    indicator: str
    target: dict[str, Any] | None
    expected: str
    why: str


@dataclass(frozen=True)
class Sheet:
    """A fiche action."""

    fiche: str
    theme: str
    targets: tuple[PlannedTarget, ...]


ACTION_PLAN: tuple[Sheet, ...] = (
    Sheet(
        "1. Développer l'accueil du jeune enfant",
        "petite_enfance",
        (
            PlannedTarget(
                "places_eaje_pour_100_enfants_moins_3",
                {"kind": "level", "value": 25},
                "en bonne voie",
                "17,96 places pour 100 enfants de moins de 3 ans en 2022, 24,05 en 2025 "
                "(micro-crèche ouverte en 2024, moins d'enfants) : nette hausse, cible de 25 "
                "pas encore atteinte",
            ),
        ),
    ),
    Sheet(
        "2. Renforcer l'offre de loisirs des enfants et des jeunes",
        "enfance_jeunesse",
        (
            PlannedTarget(
                "frequentation_alsh",
                {"kind": "change", "value": 60},
                "en bonne voie",
                "268 enfants accueillis en 2022, 318 en 2025 : +50 sur les +60 visés",
            ),
            PlannedTarget(
                "jeunes_accueillis_structures_jeunesse",
                {"kind": "rate", "value": 5},
                "en recul",
                "142 jeunes en 2022, 121 en 2025 (poste d'animateur vacant en 2024) : baisse "
                "de 5,2 % par an au lieu de la hausse de 5 % par an visée",
            ),
        ),
    ),
    Sheet(
        "3. Faciliter l'accès aux droits",
        "acces_aux_droits",
        (
            PlannedTarget(
                "personnes_accompagnees_france_services",
                {"kind": "rate", "value": 10},
                "atteint",
                "610 personnes en 2022, 890 en 2025 : +13,4 % par an (TCAM) pour +10 % visés",
            ),
            PlannedTarget(
                "allocataires_aah",
                {"kind": "level", "value": 155},
                "atteint",
                "141 allocataires en 2022, 158 en 2025 : le niveau visé (meilleur recours au "
                "droit) est dépassé",
            ),
            PlannedTarget(
                "allocataires_rsa",
                {"kind": "change", "value": -20},
                "pas d'évolution significative",
                "184 allocataires en 2022, 183 en 2025 (−0,5 %) : variation inférieure au "
                "seuil de stabilité de 1 %",
            ),
            PlannedTarget(
                "foyers_rsa_caf",
                {"kind": "change", "value": -20},
                "atteint",
                "130 foyers allocataires du RSA en décembre 2022, 100 en décembre 2025 "
                "(fichiers de la Cnaf, effectifs arrondis à 5) : −30 pour les −20 visés",
            ),
            PlannedTarget(
                "enquete_renoncement_droits",
                {"kind": "direction", "direction": "down"},
                "pas d'évolution significative",
                "enquête habitants (pondéré) : environ 12 % en 2026, 11 % en 2029 ; l'écart "
                "est bien plus petit que l'incertitude de deux enquêtes d'environ 200 "
                "répondants effectifs",
            ),
        ),
    ),
    Sheet(
        "4. Animer la vie sociale et soutenir les familles",
        "animation_vie_sociale",
        (
            PlannedTarget(
                "enquete_lieux_echanges_insuffisants",
                {"kind": "direction", "direction": "down"},
                "atteint",
                "enquête habitants (pondéré) : environ 62 % en 2026, 49 % en 2029 ; baisse "
                "significative (environ 2,7 erreurs-types, calculées sur les tailles "
                "effectives de Kish)",
            ),
            PlannedTarget(
                "enquete_satisfaction_lieux_echanges",
                {"kind": "direction", "direction": "up"},
                "atteint",
                "enquête habitants (pondéré) : environ 20 % en 2026, 32 % en 2029 ; hausse "
                "significative (environ 3 erreurs-types)",
            ),
            PlannedTarget(
                "part_familles_monoparentales",
                {"kind": "direction", "direction": "down"},
                "non mesurable",
                "recensement : le dernier millésime (RP2022) est celui du T0 ; un indicateur "
                "du recensement ne mesure pas une évolution sur 3 ans",
            ),
            PlannedTarget(
                "part_60_plus",
                None,
                "non mesurable",
                "indicateur de contexte sans cible (recensement, ni « bon » ni « mauvais » "
                "sens) : suivi au prochain millésime comparable",
            ),
        ),
    ),
)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _target_yaml(target: dict[str, Any] | None) -> str:
    if target is None:
        return "null"
    parts = [f"kind: {target['kind']}"]
    if "value" in target:
        parts.append(f"value: {target['value']}")
    if "direction" in target:
        parts.append(f"direction: {target['direction']}")
    return "{" + ", ".join(parts) + "}"


def plan_yaml() -> bytes:
    """``plan_action.yaml``: a top-level list of fiches actions (YAML)."""
    lines = [
        "# Plan d'action FICTIF de la CTG de la CC du Haut-Val fictif (démonstration).",
        "# Liste de fiches actions lue par `indicators.action_plan_file` (params/demo.yaml),",
        "# ou à recopier sous `indicators.action_plan`.",
        "# Cibles : level (atteindre une valeur), rate (évolution annuelle moyenne en %),",
        "# change (variation absolue), direction (up : hausse ; down : baisse).",
        "# Le commentaire de chaque cible donne le statut attendu avec les données de la démo.",
        "# Généré par `python -m ctgstats.demo.followup` : ne pas modifier à la main.",
    ]
    for sheet in ACTION_PLAN:
        lines += [f"- fiche: {_q(sheet.fiche)}", f"  theme: {sheet.theme}", "  targets:"]
        for item in sheet.targets:
            lines += [
                f"    # attendu : {item.expected} — {item.why}",
                f"    - indicator: {item.indicator}",
                f"      target: {_target_yaml(item.target)}",
            ]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------

README = """\
# Suivi de la CTG de démonstration — DONNÉES ENTIÈREMENT FICTIVES / Demo CTG follow-up — ENTIRELY FICTIONAL DATA

**Français.** Ces fichiers simulent le suivi de la convention territoriale globale (CTG) de
la « CC du Haut-Val fictif » (EPCI fictif `000000101`, département fictif `00`, voir
`../README.md`). Aucun chiffre ne décrit un lieu réel ; aucune réponse n'a été donnée par
une personne réelle. Le T0 est le diagnostic initial (recensement RP2022, Filosofi 2019,
données locales 2022, enquête habitants vague 1 de mars 2026) ; la mesure de suivi a lieu
environ 3 ans plus tard (données locales 2025, enquête habitants vague 2 de mars 2029).
Fichiers produits par `python -m ctgstats.demo.followup` (graine {seed}) ; relancer la
commande redonne des fichiers identiques à l'octet près (vérifié par les tests).
`t0_baseline.json`, s'il est présent, n'est pas produit par ce générateur : c'est le T0
figé par `ctgstats baseline freeze params/demo_t0.yaml`.

**English.** These files simulate the follow-up of the CTG of the fictional "CC du Haut-Val
fictif" (fictional EPCI `000000101`, fictional département `00`). No number describes a
real place and no real person answered. T0 is the initial diagnostic (census RP2022,
Filosofi 2019, local data of 2022, resident survey wave 1 of March 2026); the follow-up
measurement comes about 3 years later (local data of 2025, resident survey wave 2 of March
2029). Generated by `python -m ctgstats.demo.followup` (seed {seed}); rerunning it gives
byte-identical files (checked by the tests). `t0_baseline.json`, when present, is not
written by this generator: it is the T0 frozen by `ctgstats baseline freeze`.

## Fichiers / Files

| Fichier | Contenu |
|---|---|
| `donnees_locales.csv` | Table de données locales au format du modèle ctgstats (`indicateur,code,niveau,periode,valeur,numerateur,denominateur,source,commentaire`) : UTF-8 sans BOM, séparateur `,`, point décimal ; {n_rows} lignes, années {years} ; EPCI `000000101`, département `00` (comparaison) et, pour deux effectifs, les {n_communes} communes de la géographie 2025 (la somme des communes = l'EPCI ; `00013` n'existe plus). Codes à lire comme du texte. |
| `donnees_locales.xlsx` | Les mêmes lignes en classeur Excel (feuille `donnees`, en-tête en ligne 1, codes en texte). |
| `habitants_vague2_limesurvey.csv` | Enquête habitants, vague 2 (mars 2029) : même questionnaire, même codebook (`../enquetes/codebook_habitants.yaml`) et même format d'export LimeSurvey que la vague 1 ; {n_lime} lignes dont {n_incomplete} questionnaires incomplets et {n_dup} doublon. Même biais de participation (trop de femmes et de 30-59 ans). |
| `plan_action.yaml` | Plan d'action fictif : {n_sheets} fiches actions et leurs cibles (liste YAML lue par `indicators.action_plan_file`). |

## Indicateurs locaux / Local indicators

| indicateur | EPCI {t0} | EPCI {latest} | Département {t0} | Département {latest} | source |
|---|---|---|---|---|---|
{local_rows}

Récit fictif : territoire rural vieillissant qui perd des familles (allocataires CAF en
légère baisse), ouverture d'une micro-crèche en 2024, accueil de loisirs ouvert le
mercredi en 2023, permanences France services itinérantes depuis 2023, poste d'animateur
jeunesse vacant une partie de 2024. `valeur` du taux d'accueil EAJE = `numerateur` /
`denominateur` × 100, écrite avec 10 décimales au plus. Un foyer allocataire CAF n'est pas un
ménage Insee.

## Enquête habitants, vague 1 → vague 2 / Resident survey, wave 1 → wave 2

Réponses de la vague 2 tirées comme celles de la vague 1 (même simulation de répondants,
autre graine ; même biais de participation, un peu moins marqué pour les 75 ans ou plus
afin que le calage converge), puis déplacées par l'effet fictif du plan d'action :
« Non » à « accès à suffisamment de lieux d'échanges » changé en « Oui » avec une
probabilité de {lieux_to_yes} ; satisfaction envers les lieux d'échanges relevée d'un
point avec une probabilité de {satisfaction_up} ; offre d'accueil du jeune enfant relevée
d'un point avec une probabilité de {petite_enfance_up} ; renoncement à un droit changé en
« Non » avec une probabilité de {droits_to_no}. Wave 2 is drawn like wave 1 (same
simulation, other seed), then shifted by the fictional effect of the action plan.

| Part (répondants complets, hors doublons, non pondéré) | Vague 1 (2026) | Vague 2 (2029) |
|---|---|---|
{survey_rows}

(Base : répondants ayant répondu à la question ; « ne sait pas » compris. Les indicateurs
de ctgstats sont pondérés par calage sur le recensement et rapportés à tous les répondants
retenus, non-réponse comprise : les valeurs diffèrent un peu.)

## Statuts attendus / Expected statuses

Avec `params/demo.yaml` (T0 figé depuis `params/demo_t0.yaml`, seuil de stabilité 1 %),
chaque cible doit aboutir au statut suivant ; les cinq statuts sont représentés. Each target
is built to land in the status below; all five statuses occur.

| Fiche | Indicateur | Cible | Statut attendu | Pourquoi |
|---|---|---|---|---|
{plan_rows}
"""

SURVEY_SHARES = (
    ("lieuxacces", ("A2",), "Pas assez de lieux d'échanges (`lieuxacces` = A2)"),
    ("lieuxsatisf", ("A4", "A5"), "Satisfaits des lieux d'échanges (`lieuxsatisf` = A4, A5)"),
    ("droits", ("A1",), "Ont renoncé à un droit (`droits` = A1)"),
    (
        "petiteenf",
        ("A1", "A2"),
        ("Offre d'accueil du jeune enfant insuffisante (`petiteenf` = A1, A2)"),
    ),
)


def export_shares(content: bytes) -> dict[str, float]:
    """Unweighted shares (%) in a LimeSurvey export: complete, non-duplicate respondents.

    Base: respondents who answered the question ("ne sait pas" included). Duplicates are
    records identical to an earlier one except for ``id``.
    """
    import csv

    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    seen: set[tuple[str, ...]] = set()
    kept = []
    for row in rows:
        key = tuple(v for k, v in row.items() if k != "id")
        if row["submitdate"] and key not in seen:
            seen.add(key)
            kept.append(row)
    shares = {}
    for column, codes, _ in SURVEY_SHARES:
        answered = [r for r in kept if r[column]]
        shares[column] = 100 * sum(r[column] in codes for r in answered) / len(answered)
    return shares


def _fr(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def _local_cell(series: LocalSeries, values: dict[int, Any], year: int) -> str:
    if series.ratio:
        numerator, denominator = values[year]
        return f"{_fr(numerator / denominator * 100)} ({numerator}/{denominator})"
    return f"{int(values[year]):,}".replace(",", "\u202f")


def readme_bytes(
    seed: int,
    rows: Sequence[Sequence[str]],
    wave2: Sequence[Submission],
    wave2_export: bytes,
    wave1_export: bytes,
) -> bytes:
    """README.md (French and English) of the follow-up folder."""
    local = "\n".join(
        f"| `{s.id}` | {_local_cell(s, s.epci, T0_YEAR)} | {_local_cell(s, s.epci, LATEST_YEAR)}"
        f" | {_local_cell(s, s.departement, T0_YEAR)}"
        f" | {_local_cell(s, s.departement, LATEST_YEAR)} | {s.source} |"
        for s in LOCAL_SERIES
    )
    after = export_shares(wave2_export)
    before = export_shares(wave1_export)
    survey = "\n".join(
        f"| {label} | {_fr(before[c])} % | {_fr(after[c])} % |" for c, _, label in SURVEY_SHARES
    )
    plan = "\n".join(
        f"| {sheet.fiche} | `{t.indicator}` | {_target_yaml(t.target)} | **{t.expected}** "
        f"| {t.why} |"
        for sheet in ACTION_PLAN
        for t in sheet.targets
    )
    text = README.format(
        seed=seed,
        n_rows=len(rows),
        years=", ".join(str(y) for y in YEARS),
        n_communes=len(haut_val_communes()),
        n_lime=len(wave2),
        n_incomplete=sum(not s.complete for s in wave2),
        n_dup=sum(s.duplicate_of is not None for s in wave2),
        n_sheets=len(ACTION_PLAN),
        t0=T0_YEAR,
        latest=LATEST_YEAR,
        local_rows=local,
        lieux_to_yes=_fr(LIEUX_TO_YES, 2),
        satisfaction_up=_fr(SATISFACTION_UP, 2),
        petite_enfance_up=_fr(PETITE_ENFANCE_UP, 2),
        droits_to_no=_fr(DROITS_TO_NO, 2),
        survey_rows=survey,
        plan_rows=plan,
    )
    return text.encode("utf-8")


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


def _wave1_export() -> bytes:
    """Wave 1 as :mod:`ctgstats.demo.surveys` writes it (its default seed)."""
    return limesurvey_bytes(HABITANTS_ITEMS, build_habitants(SURVEYS_SEED), brackets=False)


def followup_files(seed: int = DEFAULT_SEED) -> dict[str, bytes]:
    """The content of every generated file of the follow-up folder, by file name."""
    rows = local_rows(seed)
    wave2 = build_wave2(seed)
    export = limesurvey_bytes(HABITANTS_ITEMS, wave2, brackets=False)
    return {
        "README.md": readme_bytes(seed, rows, wave2, export, _wave1_export()),
        "donnees_locales.csv": local_csv_bytes(rows),
        "donnees_locales.xlsx": local_xlsx_bytes(rows),
        "habitants_vague2_limesurvey.csv": export,
        "plan_action.yaml": plan_yaml(),
    }


def generate_followup(output_dir: Path | str, *, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the fictional follow-up files into ``output_dir``.

    Parameters
    ----------
    output_dir
        Folder receiving the files (created if needed); the package's copy is
        ``ctgstats/demo/data/suivi``. Other files there (the frozen ``t0_baseline.json``)
        are left alone.
    seed
        Seed of every random stream.

    Returns
    -------
    list of Path
        The written files.
    """
    return write_files(output_dir, followup_files(seed))


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m ctgstats.demo.followup [--output DIR] [--seed N]``."""
    from ctgstats.demo import DATA_DIR

    generator_main(
        argv,
        description="Génère les données fictives du suivi de la CTG de "
        "démonstration (données locales 2022-2025, enquête habitants vague 2, "
        "plan d'action).",
        default_dir=DATA_DIR / "suivi",
        default_seed=DEFAULT_SEED,
        generate=generate_followup,
    )


if __name__ == "__main__":
    main()
