"""Files for French Excel users: the ``<name>_fr.csv`` twins and the report workbook.

The machine-readable CSVs (comma, decimal point, English-like column ids) keep their
documented contracts; each has a French twin ``<name>_fr.csv`` that French Excel opens
right with a double click:

* separator ``;``, decimal comma, UTF-8 with BOM (Excel then reads the accents), CRLF
  line ends;
* French column headers ("Indicateur", "Année ou période", "IC 95 % bas" …), and a
  "Libellé de l'indicateur" column after an ``indicateur`` column of registry ids;
* numbers at full precision with a decimal comma and no thousands separator
  (``12345,6``, which Excel parses as a number), empty when missing; ``oui``/``non`` for
  booleans;
* codes written as text, leading zeros kept (``00012``). Excel converts a code that
  looks like a number when it opens a CSV by double click; the workbook (codes in text
  cells) or Données > À partir d'un fichier texte/CSV (column type Texte) keeps them.

The workbook has a first sheet "À propos" (the fictional-data notice when the data are
fictional, the territory, then one row per sheet: title, CSV file, content, source) and
one sheet per table, titled in French (at most 31 characters, unique, shortened by
whole words, never cut mid-word), with the French headers in bold, the header row frozen,
an autofilter, column widths from the content (capped), Excel's invariant number formats
(``#,##0`` for counts, ``0.0`` for shares in percent and decimals, ``0.00`` for ratios,
``0`` for years; French Excel shows ``12 346`` and ``12,3``) and codes as text cells
(format ``@``).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ctgstats.present.labels import indicator_label, indicator_unit

__all__ = [
    "HEADERS",
    "SHEET_TITLES",
    "Sheet",
    "french_cell",
    "french_frame",
    "french_header",
    "sheet_title",
    "survey_sheet_titles",
    "write_french_csv",
    "write_workbook",
]

MAX_SHEET_TITLE = 31
MIN_COLUMN_WIDTH = 8
MAX_COLUMN_WIDTH = 60
ABOUT_TITLE = "À propos"
LABEL_COLUMN = "libelle_indicateur"

#: Column id → French header (every column of the shipped tables).
HEADERS: dict[str, str] = {
    "indicateur": "Indicateur",
    LABEL_COLUMN: "Libellé de l'indicateur",
    "niveau": "Niveau",
    "code": "Code",
    "annee": "Année ou période",
    "valeur": "Valeur",
    "unite": "Unité",
    "source": "Source",
    "ic_bas": "IC 95 % bas",
    "ic_haut": "IC 95 % haut",
    "note": "Note",
    "theme": "Thème",
    "constat": "Constat",
    "indicateurs": "Indicateurs",
    "prudence": "Prudence",
    "point": "Point de vigilance",
    "definition": "Définition",
    "territoire": "Territoire",
    "tranche": "Tranche d'âge",
    "age_min": "Âge minimal",
    "effectif": "Effectif",
    "part": "Part (%)",
    "sexe": "Sexe",
    "decile": "Décile",
    "commune": "Commune",
    "actifs_15_64": "Actifs de 15 à 64 ans",
    "taux_chomage_15_64": "Taux de chômage des 15-64 ans, au sens du recensement (%)",
    "non_scolarises_15p": "Personnes de 15 ans ou plus non scolarisées",
    "part_sans_diplome_15p": "Part sans diplôme ou au plus le CEP (%)",
    "effectif_faible": "Effectif faible",
    "groupe": "Groupe",
    "petite_commune": "Petite commune (moins de logements que le seuil d'effectif faible)",
    "libelle": "Libellé",
    "fichier": "Fichier",
    "operation": "Opération",
    "anciens_codes": "Anciens codes",
    "code_cog": "Code COG",
    "detail": "Détail",
    "question": "Question",
    "modalite": "Modalité",
    "pourcentage": "Pourcentage (%)",
    "base": "Base (répondants)",
    "pondere": "Pondéré",
    "libelle_question": "Libellé de la question",
    "type": "Type de question",
    "n_eff": "Taille effective",
    "alerte": "Alerte",
    "probleme": "Problème",
    "ligne": "Ligne",
    "colonne": "Colonne",
    "traitement": "Traitement",
    "n": "Répondants",
    "moyenne": "Moyenne",
    "mediane": "Médiane",
    "q1": "1er quartile",
    "q3": "3e quartile",
    "min": "Minimum",
    "max": "Maximum",
    "non_reponse": "Non-réponses",
    "score_moyen": "Score moyen",
    "echelle": "Échelle",
    "exclus": "Exclus",
    "variable": "Variable",
    "population": "Population",
    "part_population": "Part dans la population (%)",
    "part_echantillon": "Part dans l'échantillon (%)",
    "part_ponderee": "Part pondérée (%)",
    "part_ponderee_cales": "Part pondérée après calage (%)",
    "ecart_points": "Écart (points)",
    "verbatim": "Verbatim",
    "themes": "Thèmes",
    "fiche": "Fiche action",
    "t0_annee": "Année T0",
    "t0_valeur": "Valeur T0",
    "cible": "Cible",
    "cible_libelle": "Cible (en clair)",
    "derniere_annee": "Dernière année",
    "derniere_valeur": "Dernière valeur",
    "evolution": "Évolution",
    "evolution_pct": "Évolution (%)",
    "tcam": "Taux de croissance annuel moyen (%/an)",
    "statut": "Statut",
    "explication": "Explication",
    "alertes": "Alertes",
    "fichiers": "Fichiers (empreinte SHA-256)",
    "frequence": "Fréquence",
    "exploitation": "Exploitation",
    "ecart_minimal": "Écart minimal entre millésimes",
    "polarite": "Sens souhaité",
    # inventory of dispositifs (ctgstats.portrait.dispositifs; data·inclusion field names)
    "nom": "Nom du dispositif",
    "porteur": "Structure porteuse",
    "reseaux_porteurs": "Réseau du porteur (data·inclusion)",
    "partenaires": "Partenaires",
    "publics": "Publics (data·inclusion)",
    "theme_ctg": "Thème CTG (code)",
    "thematiques": "Thématiques (data·inclusion)",
    "zone_eligibilite": "Zone couverte (codes)",
    "financeurs": "Financeurs",
    "budget_annuel_euros": "Budget annuel (€)",
    "capacite": "Capacité",
    "unite_capacite": "Unité de la capacité",
    "couverture_besoins": "Couverture des besoins",
    "difficultes": "Difficultés",
    "pistes_evolution": "Pistes d'évolution",
    "communes_couvertes": "Communes couvertes (codes)",
    "nombre_dispositifs": "Nombre de dispositifs",
    "dispositifs": "Dispositifs",
}

_PATTERN_HEADERS = (
    (re.compile(r"population_(\d{4})"), "Population {0}"),
    (re.compile(r"revenu_median_uc_(\d{4})"), "Revenu médian par UC {0} (€)"),
    (re.compile(r"statut_revenu_(\d{4})"), "Statut du revenu {0}"),
    (re.compile(r"logements_(\d{4})"), "Logements {0}"),
    (
        re.compile(r"residences_secondaires_(\d{4})"),
        "Résidences secondaires et logements occasionnels {0}",
    ),
    (
        re.compile(r"part_residences_secondaires_(\d{4})"),
        "Part des résidences secondaires et logements occasionnels {0} (%)",
    ),
    (re.compile(r"logements_vacants_(\d{4})"), "Logements vacants {0}"),
    (re.compile(r"part_logements_vacants_(\d{4})"), "Part des logements vacants {0} (%)"),
)

#: Table name → French sheet title (survey tables: :func:`survey_sheet_titles`).
SHEET_TITLES: dict[str, str] = {
    "chiffres_cles": "Chiffres clés",
    "constats": "Constats",
    "points_de_vigilance": "Points de vigilance",
    "definitions": "Définitions",
    "structure_par_age": "Structure par âge",
    "pyramide": "Pyramide des âges",
    "deciles": "Déciles de revenu",
    "communes": "Communes",
    "emploi_communes": "Emploi et diplômes par commune",
    "diplomes_repartition": "Diplômes (répartition)",
    "logement_communes": "Logement par commune",
    "harmonisation": "Harmonisation des communes",
    "territoires": "Territoires",
    "indicateurs": "Indicateurs de suivi",
    "indicateurs_detail": "Indicateurs (détail)",
    "indicateurs_mesures": "Indicateurs (mesures)",
    "glossaire_indicateurs": "Glossaire des indicateurs",
}

#: Survey table kind → (title, short title) of its sheet.
SURVEY_KINDS: dict[str, tuple[str, str]] = {
    "frequences": ("Fréquences", "Fréq."),
    "frequences_detail": ("Fréquences (détail)", "Fréq. (détail)"),
    "qualite": ("Qualité", "Qualité"),
    "problemes": ("Problèmes", "Problèmes"),
    "constats": ("Constats", "Constats"),
    "numeriques": ("Réponses numériques", "Numériques"),
    "scores": ("Scores", "Scores"),
    "ponderation": ("Pondération", "Pondér."),
    "verbatims": ("Verbatims", "Verbatims"),
    "vagues": ("Comparaison des vagues", "Vagues"),
}

# Columns holding codes or identifiers: always text.
_CODE_COLUMNS = frozenset({"code", "code_cog", "anciens_codes", "territoire", "annee"})
# Whole numbers that are not quantities (no thousands separator).
_PLAIN_INTEGER_COLUMNS = frozenset({"t0_annee", "derniere_annee", "age_min", "ligne"})
_COUNT_COLUMNS = frozenset({"effectif", "base", "n", "exclus", "non_reponse", "population"})
_PERCENT_COLUMNS = frozenset(
    {
        "pourcentage",
        "part",
        "part_population",
        "part_echantillon",
        "part_ponderee",
        "part_ponderee_cales",
        "ecart_points",
        "evolution_pct",
        "tcam",
    }
)
_TWO_DECIMAL_COLUMNS = frozenset({"moyenne", "score_moyen"})
# Columns whose format follows the unit of the row (``unite``, else the registry's).
_VALUE_COLUMNS = frozenset(
    {"valeur", "ic_bas", "ic_haut", "t0_valeur", "derniere_valeur", "cible", "evolution"}
)
_COUNT_UNITS = frozenset(
    {
        "habitants",
        "ménages",
        "ménages fiscaux",
        "familles",
        "couples",
        "décès",
        "naissances",
        "personnes",
        "enfants",
        "jeunes",
        "allocataires",
        "logements",
        "€",
        "euros",
    }
)
_TWO_DECIMAL_UNITS = frozenset({"rapport", "personnes par ménage"})

COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "0.0"
RATIO_FORMAT = "0.00"
INTEGER_FORMAT = "0"
TEXT_FORMAT = "@"

_IDENTIFIER = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: its table, French title, content and source."""

    name: str
    title: str
    content: str
    source: str


# ------------------------------------------------------------------- headers and cells


def french_header(column: str) -> str:
    """French header of a column id; an unknown id is made readable, never dropped."""
    if column in HEADERS:
        return HEADERS[column]
    for pattern, template in _PATTERN_HEADERS:
        match = pattern.fullmatch(column)
        if match:
            return template.format(*match.groups())
    text = column.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def french_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as French users read it: indicator labels added, column ids kept.

    A column ``libelle_indicateur`` (:func:`ctgstats.present.labels.indicator_label`)
    follows an ``indicateur`` column of registry ids when the table has no ``libelle``.
    """
    frame = frame.reset_index(drop=True)
    if "indicateur" not in frame.columns or "libelle" in frame.columns:
        return frame
    ids = [str(v) for v in frame["indicateur"] if isinstance(v, str) and v]
    if not ids or not all(_IDENTIFIER.fullmatch(i) for i in ids):
        return frame
    labelled = frame.copy()
    position = list(frame.columns).index("indicateur") + 1
    labels = [indicator_label(v) if isinstance(v, str) and v else "" for v in frame["indicateur"]]
    labelled.insert(position, LABEL_COLUMN, labels)
    return labelled


def french_cell(value: Any) -> str:
    """One CSV cell for French Excel: decimal comma, full precision, no separator.

    >>> french_cell(12345.6), french_cell(3), french_cell(True), french_cell(float("nan"))
    ('12345,6', '3', 'oui', '')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "oui" if value else "non"
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        number = float(value)
        if not math.isfinite(number):
            return ""
        text = repr(number)
        if "e" in text or "E" in text:
            text = np.format_float_positional(number, trim="-")
        return text.replace(".", ",")
    return str(value)


def write_french_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as a French CSV (``;``, decimal comma, UTF-8 with BOM, CRLF)."""
    table = french_frame(frame)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow([french_header(str(c)) for c in table.columns])
        for row in table.itertuples(index=False, name=None):
            writer.writerow([french_cell(v) for v in row])


# ------------------------------------------------------------------------- sheet titles


def _fits(title: str, taken: set[str]) -> bool:
    return len(title) <= MAX_SHEET_TITLE and title.casefold() not in taken


def _shortened(words: Sequence[str], suffix: str, taken: set[str]) -> str | None:
    """The longest ``<first words><suffix>`` that fits and is free (whole words only)."""
    for count in range(len(words), 0, -1):
        candidate = " ".join(words[:count]) + suffix
        if _fits(candidate, taken):
            return candidate
    return None


def _unique(title: str, taken: set[str]) -> str:
    """Return ``title`` if free, else shortened by whole words and numbered (2), (3) …."""
    if _fits(title, taken):
        return title
    words = title.split()
    candidate = _shortened(words, "", taken)
    if candidate is not None:
        return candidate
    number = 2
    while True:
        candidate = _shortened(words, f" ({number})", taken)
        if candidate is not None:
            return candidate
        number += 1


def _readable(name: str) -> str:
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def sheet_title(name: str, *, taken: set[str]) -> str:
    """French sheet title of a portrait or follow-up table, free in ``taken`` (updated)."""
    title = _unique(SHEET_TITLES.get(name) or _readable(name), taken)
    taken.add(title.casefold())
    return title


def survey_sheet_titles(
    survey_id: str, kinds: Sequence[str], *, number: int, taken: set[str]
) -> dict[str, str]:
    """Sheet titles of one survey's tables: kind → "<Survey> – <kind>" (≤ 31, unique).

    ``survey_id`` is the survey's readable short name (« Habitants 2029 », « Élus »);
    an id is made readable (underscores to spaces, capital first letter).

    Tried in turn: the full kind label, its short form, the survey name shortened by
    whole words, then "Enquête <number> – <short>"; ``taken`` is updated.
    """
    survey_words = _readable(survey_id).split()
    titles = {}
    for kind in kinds:
        long, short = SURVEY_KINDS.get(kind, (_readable(kind), _readable(kind)))
        candidates = [f"{' '.join(survey_words)} – {long}"]
        shortened = _shortened(survey_words, f" – {short}", taken)
        candidates += [shortened] if shortened else []
        candidates.append(f"Enquête {number} – {short}")
        title = next((c for c in candidates if _fits(c, taken)), None)
        title = title or _unique(f"Enquête {number} – {short}", taken)
        taken.add(title.casefold())
        titles[kind] = title
    return titles


# ----------------------------------------------------------------------------- workbook


def _unit_format(unit: object) -> str:
    text = str(unit).strip() if isinstance(unit, str) else ""
    if text in _COUNT_UNITS:
        return COUNT_FORMAT
    if text in _TWO_DECIMAL_UNITS:
        return RATIO_FORMAT
    return DECIMAL_FORMAT


def _is_number(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        return False
    return not math.isnan(float(value))


def _column_formats(frame: pd.DataFrame, column: str) -> list[str]:
    """Number format of each cell of a numeric column (row units where they apply)."""
    values = frame[column]
    size = len(values)
    if column in _PLAIN_INTEGER_COLUMNS:
        return [INTEGER_FORMAT] * size
    if column in _COUNT_COLUMNS or column.startswith("population_") or column == "n_eff":
        return [COUNT_FORMAT] * size
    if column in _PERCENT_COLUMNS:
        return [DECIMAL_FORMAT] * size
    if column in _TWO_DECIMAL_COLUMNS:
        return [RATIO_FORMAT] * size
    if column.startswith("revenu_"):
        return [COUNT_FORMAT] * size
    if column in _VALUE_COLUMNS and "unite" in frame.columns:
        return [_unit_format(u) for u in frame["unite"]]
    if column in _VALUE_COLUMNS and "indicateur" in frame.columns:
        return [_unit_format(indicator_unit(str(i))) for i in frame["indicateur"]]
    numbers = [float(v) for v in values if _is_number(v)]
    if pd.api.types.is_integer_dtype(values.dtype) or (
        numbers and all(n.is_integer() for n in numbers)
    ):
        return [COUNT_FORMAT] * size
    return [DECIMAL_FORMAT] * size


def _excel_value(value: Any) -> Any:
    """A cell value: numbers as numbers, booleans as oui/non, missing as empty."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "oui" if value else "non"
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    return str(value)


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:,.1f}")
    if isinstance(value, int):
        return len(f"{value:,}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _write_table(sheet: Any, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    table = french_frame(frame)
    bold = Font(bold=True)
    columns = [str(c) for c in table.columns]
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=french_header(column))
        cell.font = bold
    for index, column in enumerate(columns, start=1):
        values = [_excel_value(v) for v in table[column]]
        text = column in _CODE_COLUMNS or not any(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
        )
        formats = [TEXT_FORMAT] * len(values) if text else _column_formats(table, column)
        width = len(french_header(column))
        for row, (value, number_format) in enumerate(zip(values, formats, strict=True), start=2):
            if text and value is not None:
                value = str(value)
            cell = sheet.cell(row=row, column=index, value=value)
            if text and value is not None:
                cell.data_type = "s"
            cell.number_format = TEXT_FORMAT if text else number_format
            width = max(width, _display_width(value))
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH
        )
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(len(columns), 1))
    sheet.auto_filter.ref = f"A1:{last}{len(table) + 1}"


def _write_about(sheet: Any, about: Sequence[str], sheets: Sequence[Sheet]) -> None:
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    row = 1
    for line in about:
        sheet.cell(row=row, column=1, value=line).font = bold if row == 1 else Font()
        row += 1
    row += 1
    for index, header in enumerate(("Feuille", "Fichier CSV", "Contenu", "Source"), start=1):
        sheet.cell(row=row, column=index, value=header).font = bold
    for item in sheets:
        row += 1
        values = (item.title, f"{item.name}.csv ; {item.name}_fr.csv", item.content, item.source)
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=index, value=value)
            cell.alignment = Alignment(wrap_text=index > 2, vertical="top")
    for letter, width in zip("ABCD", (32, 48, 60, 50), strict=True):
        sheet.column_dimensions[letter].width = width


def write_workbook(
    path: Path,
    frames: Mapping[str, pd.DataFrame],
    sheets: Sequence[Sheet],
    *,
    about: Sequence[str],
) -> None:
    """Write the workbook: "À propos", then one formatted sheet per table of ``sheets``."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.properties.creator = "ctgstats"
    first = workbook.active
    first.title = ABOUT_TITLE
    _write_about(first, about, sheets)
    for item in sheets:
        _write_table(workbook.create_sheet(title=item.title), frames[item.name])
    workbook.save(path)
