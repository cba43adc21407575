"""The registry of indicators followed over time (T0 → T+n).

Every indicator of an action plan is described once, in YAML: French label and definition,
unit, source (kind, name, frequency, census exploitation), formula, minimum comparable gap
between two measures, polarity (is a rise good?) and CTG themes. The registry shipped with
ctgstats (``ctgstats/data/indicateurs.yaml``) is read first; the analyst's own files (params
key ``indicators.registry``) may ADD indicators, or REPLACE one by id when the entry says
``override: true`` (a full entry: nothing is merged). Example::

    indicators:
      - id: places_eaje_pour_100_enfants_moins_3
        label: "Places en accueil collectif pour 100 enfants de moins de 3 ans"
        definition: "Places en établissements d'accueil du jeune enfant (EAJE) …"
        unit: "pour 100 enfants"
        source: {kind: user_table, name: "CAF / PMI (données locales)",
                 frequency: annuelle}
        formula: {numerator: ["places en EAJE au 31/12"],
                  denominator: ["enfants de moins de 3 ans"], scale: 100}
        min_gap_years: 1
        polarity: up
        themes: [petite_enfance]

Source kinds and their formula:

``census`` (Insee, recensement), ``filosofi`` and ``caf`` (Cnaf open data)
    ``figure``: the portrait's figure id (the value is that figure, same computation);
    ``numerator`` / ``denominator``: the source variables, informational (glossary).
    Census entries state their ``exploitation`` (``P`` principal, ``C`` complementary);
    ``min_gap_years: null`` means :func:`ctgstats.core.comparability.min_comparable_gap`
    (5 years, 6 when a vintage of 2019-2023 is involved).
``user_table``
    Local data read by :mod:`ctgstats.indicators.usertables`: the value is
    ``numerateur / denominateur × scale`` when both are given, else ``valeur``.
``survey``
    ``survey`` (the survey series id), ``question`` and ``codes``: the indicator is the
    share (%) of the respondents choosing one of the codes; ``unit`` must be ``%``.

Errors (:class:`RegistryError`) name the file, the line of the entry, the indicator id,
the field and the value.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from ctgstats.core.comparability import DEFAULT_MIN_GAP, POSTPONED_SURVEY_MIN_GAP
from ctgstats.core.errors import InputError
from ctgstats.core.models import StrictModel, error_items
from ctgstats.core.notebooks import NOTEBOOKS

__all__ = [
    "DEFAULT_REGISTRY",
    "EXPLOITATION_LABELS",
    "GLOSSARY_COLUMNS",
    "ID_PATTERN",
    "POLARITY_LABELS",
    "SOURCE_KINDS",
    "SOURCE_KIND_LABELS",
    "THEMES",
    "Formula",
    "Indicator",
    "Registry",
    "RegistryError",
    "Source",
    "definition_hash",
    "load_registry",
]

DEFAULT_REGISTRY = Path(__file__).resolve().parent / "indicateurs.yaml"
"""The registry shipped with ctgstats (read first by :func:`load_registry`)."""


def chapter_registries() -> list[Path]:
    """Registry files of the chapters of the notebook catalogue, in reading order.

    Each chapter ships its indicators next to its modules (``NotebookSpec.registry``, a
    path relative to the ``ctgstats`` package); they are read right after
    :data:`DEFAULT_REGISTRY`, as part of the shipped registry.
    """
    package = DEFAULT_REGISTRY.parent.parent
    return [package / spec.registry for spec in NOTEBOOKS if spec.registry]


ID_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
"""Shape of an indicator id (also used in file and column names)."""

THEMES: dict[str, str] = {
    "petite_enfance": "Petite enfance",
    "enfance_jeunesse": "Enfance et jeunesse",
    "parentalite": "Soutien à la parentalité",
    "acces_aux_droits": "Accès aux droits",
    "logement": "Logement",
    "jeunesse": "Jeunesse",
    "insertion": "Emploi et insertion",
    "animation_vie_sociale": "Animation de la vie sociale",
    "handicap": "Handicap",
    "seniors": "Personnes âgées",
    "inclusion_numerique": "Inclusion numérique",
    "mobilite": "Mobilité",
    "demographie": "Démographie",
    "revenus": "Revenus et pauvreté",
    "pacte_prevention": "Pacte local des solidarités : prévenir la pauvreté dès l'enfance",
    "pacte_insertion": "Pacte local des solidarités : sortir de la pauvreté par l'insertion "
    "et l'emploi",
    "pacte_acces_aux_droits": "Pacte local des solidarités : lutter contre la grande "
    "exclusion par l'accès aux droits",
}
"""CTG themes and axes of a Pacte local des solidarités, with their French labels."""

SOURCE_KINDS = ("census", "filosofi", "user_table", "survey", "caf", "register", "bpe")
"""Kinds of source an indicator is computed from."""

FIGURE_KINDS = ("census", "filosofi", "caf", "register", "bpe")
"""Kinds whose values are figures of the portrait (``formula.figure``), not local tables."""

SOURCE_KIND_LABELS: dict[str, str] = {
    "census": "recensement de la population (Insee)",
    "filosofi": "Filosofi (Insee)",
    "user_table": "données locales (table d'indicateurs)",
    "survey": "enquête",
    "caf": "données de la Cnaf (data.caf.fr)",
    "register": "répertoire administratif (ex. RPLS du SDES)",
    "bpe": "base permanente des équipements (Insee)",
}
"""French names of the source kinds."""

POLARITY_LABELS: dict[str, str] = {
    "up": "hausse souhaitée",
    "down": "baisse souhaitée",
    "neutral": "pas de sens souhaité a priori (indicateur de contexte ; la cible le fixe)",
}
"""French meaning of each polarity (glossary)."""

EXPLOITATION_LABELS: dict[str, str] = {
    "P": "principale (P) : tous les questionnaires",
    "C": "complémentaire (C) : un échantillon des questionnaires (un quart dans les communes "
    "de moins de 10 000 habitants), estimations fragiles sur les petits effectifs",
}
"""French meaning of the census exploitations (glossary)."""

GLOSSARY_COLUMNS = [
    "indicateur",
    "libelle",
    "definition",
    "unite",
    "source",
    "frequence",
    "exploitation",
    "ecart_minimal",
    "polarite",
    "themes",
]
"""Columns of :meth:`Registry.glossary`."""

_SURVEY_ID = r"^[a-z0-9][a-z0-9_\-]{0,63}$"


class RegistryError(InputError, ValueError):
    """Invalid registry file: the message names the file, line, indicator, field and value."""


class Source(StrictModel):
    """Where an indicator's values come from."""

    kind: Literal["census", "filosofi", "user_table", "survey", "caf", "register", "bpe"]
    name: str = Field(min_length=1, description="Nom de la source, en français")
    frequency: str = Field(min_length=1, description="Fréquence de mise à jour, en français")
    exploitation: Literal["P", "C"] | None = Field(
        default=None, description="Exploitation du recensement (census seulement)"
    )

    @model_validator(mode="after")
    def _exploitation(self) -> Source:
        if self.kind == "census" and self.exploitation is None:
            raise ValueError(
                "un indicateur census indique son exploitation : P (principale) ou C "
                "(complémentaire)"
            )
        if self.kind != "census" and self.exploitation is not None:
            raise ValueError(
                f"exploitation ne sert qu'aux indicateurs census (kind vaut {self.kind!r}) ; "
                "retirez-la"
            )
        return self


class Formula(StrictModel):
    """How the value is obtained (see the module docstring for each source kind)."""

    figure: str | None = Field(default=None, pattern=ID_PATTERN)
    numerator: tuple[str, ...] | None = Field(default=None, min_length=1)
    denominator: tuple[str, ...] | None = Field(default=None, min_length=1)
    scale: float = Field(default=1.0, gt=0)
    survey: str | None = Field(default=None, pattern=_SURVEY_ID)
    question: str | None = Field(default=None, min_length=1)
    codes: tuple[str, ...] | None = Field(default=None, min_length=1)

    @field_validator("codes", mode="before")
    @classmethod
    def _codes_as_strings(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            if any(isinstance(v, bool) or not isinstance(v, (str, int)) for v in value):
                raise ValueError("les codes d'options sont des chaînes, ex. [A4, A5]")
            return tuple(str(v) for v in value)
        return value

    @model_validator(mode="after")
    def _pairs(self) -> Formula:
        if self.denominator is not None and self.numerator is None:
            raise ValueError("un dénominateur (denominator) demande un numérateur (numerator)")
        return self


class Indicator(StrictModel):
    """One indicator of the registry."""

    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1, description="Libellé, en français")
    definition: str = Field(min_length=1, description="Définition, en français")
    unit: str = Field(min_length=1, description="Unité : %, habitants, familles, € …")
    source: Source
    formula: Formula = Formula()
    min_gap_years: int | None = Field(default=None, ge=1)
    polarity: Literal["up", "down", "neutral"]
    themes: tuple[str, ...] = Field(min_length=1)

    @field_validator("themes")
    @classmethod
    def _known_themes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for theme in value:
            if theme not in THEMES:
                close = difflib.get_close_matches(theme, THEMES, n=1)
                hint = f" ; vouliez-vous dire {close[0]!r} ?" if close else ""
                raise ValueError(f"thème inconnu {theme!r}{hint} (thèmes : {', '.join(THEMES)})")
        if len(set(value)) != len(value):
            raise ValueError("un thème est cité deux fois")
        return value

    @field_validator("min_gap_years")
    @classmethod
    def _census_gap_floor(cls, value: int | None, info: ValidationInfo) -> int | None:
        # methodology rule 1: the census gap is a floor that configuration may raise,
        # never lower (the 6-year rule around 2021 depends on the vintages: evaluate
        # applies it with max())
        source = info.data.get("source")
        if value is not None and source is not None and source.kind == "census":
            if value < DEFAULT_MIN_GAP:
                raise ValueError(
                    f"un indicateur census ne peut pas descendre sous l'écart minimal de "
                    f"l'Insee entre deux millésimes du recensement ({_years(DEFAULT_MIN_GAP)}, "
                    f"{_years(POSTPONED_SURVEY_MIN_GAP)} si un millésime de 2019 à 2023 est "
                    "concerné) : deux millésimes plus proches partagent des enquêtes "
                    "annuelles ; écrivez null pour appliquer cette règle, ou une valeur "
                    f"d'au moins {DEFAULT_MIN_GAP} pour l'allonger"
                )
        return value

    @model_validator(mode="after")
    def _formula_fits_source(self) -> Indicator:
        kind = self.source.kind
        formula = self.formula
        survey_fields = [
            f for f in ("survey", "question", "codes") if getattr(formula, f) is not None
        ]
        if kind in FIGURE_KINDS:
            if formula.figure is None:
                raise ValueError(
                    f"un indicateur {kind} nomme son chiffre du portrait dans "
                    "formula.figure (ex. 'part_60_plus')"
                )
        elif formula.figure is not None:
            raise ValueError(
                f"formula.figure ne sert qu'aux indicateurs census, filosofi et caf (kind vaut "
                f"{kind!r})"
            )
        if kind == "survey":
            missing = [f for f in ("survey", "question", "codes") if getattr(formula, f) is None]
            if missing:
                raise ValueError(
                    f"un indicateur survey demande formula.{', formula.'.join(missing)}"
                )
            if formula.numerator is not None:
                raise ValueError(
                    "un indicateur survey est une part de répondants : pas de "
                    "numerator/denominator (donnez survey, question, codes)"
                )
            if self.unit != "%":
                raise ValueError(
                    f"un indicateur survey est une part de répondants : unit doit "
                    f"valoir '%' (reçu {self.unit!r})"
                )
        elif survey_fields:
            raise ValueError(
                f"formula.{survey_fields[0]} ne sert qu'aux indicateurs survey (kind vaut {kind!r})"
            )
        if kind != "census" and self.min_gap_years is None:
            raise ValueError(
                f"min_gap_years est obligatoire pour un indicateur {kind} (ex. 1 pour des "
                "données annuelles) ; null ne sert qu'aux indicateurs census"
            )
        return self


def definition_hash(indicator: Indicator) -> str:
    """sha256 of the definition-relevant fields of ``indicator``.

    The canonical JSON (sorted keys, no spaces, UTF-8) of the formula (without its default
    values), the definition, the unit and the source kind. Labels, themes, polarity and
    source names may change without changing the hash; a changed formula or definition
    changes it, so a follow-up can say the T0 was measured with another definition.
    """
    payload = {
        "formula": indicator.formula.model_dump(mode="json", exclude_defaults=True),
        "definition": indicator.definition,
        "unit": indicator.unit,
        "source_kind": indicator.source.kind,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _years(count: int) -> str:
    return f"{count} an" if count == 1 else f"{count} ans"


def _min_gap_text(indicator: Indicator) -> str:
    if indicator.min_gap_years is not None:
        return _years(indicator.min_gap_years)
    return (
        f"{_years(DEFAULT_MIN_GAP)} entre millésimes du recensement "
        f"({_years(POSTPONED_SURVEY_MIN_GAP)} si un millésime de 2019 à 2023 est "
        "concerné)"
    )


def _terms(variables: tuple[str, ...]) -> str:
    return variables[0] if len(variables) == 1 else f"({' + '.join(variables)})"


def _source_text(indicator: Indicator) -> str:
    formula = indicator.formula
    text = indicator.source.name
    if indicator.source.kind == "survey":
        codes = ", ".join(formula.codes or ())
        return (
            f"{text} : série d'enquêtes « {formula.survey} », question "
            f"« {formula.question} », réponses {codes}"
        )
    if formula.numerator is None:
        return text
    if formula.denominator is None:
        ratio = " + ".join(formula.numerator)
    else:
        ratio = f"{_terms(formula.numerator)} / {_terms(formula.denominator)}"
        if formula.scale != 1:
            ratio = f"{ratio} × {formula.scale:g}"
    label = "variables" if indicator.source.kind in FIGURE_KINDS else "calcul"
    return f"{text} ; {label} : {ratio}"


class Registry(StrictModel):
    """The indicators known to a run (shipped registry plus the analyst's files)."""

    indicators: tuple[Indicator, ...]
    files: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _unique_ids(self) -> Registry:
        ids = [i.id for i in self.indicators]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"identifiants d'indicateurs utilisés deux fois : {twice}")
        return self

    def __len__(self) -> int:
        return len(self.indicators)

    def __contains__(self, indicator_id: object) -> bool:
        return any(i.id == indicator_id for i in self.indicators)

    @property
    def ids(self) -> tuple[str, ...]:
        """Indicator ids, in registry order."""
        return tuple(i.id for i in self.indicators)

    def close_matches(self, indicator_id: str, *, n: int = 3) -> list[str]:
        """Registry ids resembling ``indicator_id`` (for error messages)."""
        return difflib.get_close_matches(indicator_id, self.ids, n=n, cutoff=0.6)

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with ``indicator_id``.

        Raises
        ------
        KeyError
            When no indicator has this id; the message suggests close matches.
        """
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        close = self.close_matches(str(indicator_id))
        hint = f" ; vouliez-vous dire {', '.join(repr(c) for c in close)} ?" if close else ""
        raise KeyError(
            f"indicateur inconnu {indicator_id!r}{hint} (ajoutez-le à un fichier de registre "
            "cité dans indicators.registry)"
        )

    def by_theme(self) -> dict[str, tuple[Indicator, ...]]:
        """Indicators grouped by theme, in the order of :data:`THEMES` (empty themes left out).

        An indicator with several themes appears under each of them.
        """
        groups = {theme: tuple(i for i in self.indicators if theme in i.themes) for theme in THEMES}
        return {theme: items for theme, items in groups.items() if items}

    def glossary(self) -> pd.DataFrame:
        """The glossary of the indicators, in French (one row per indicator).

        Columns :data:`GLOSSARY_COLUMNS`: id, label, definition, unit, source (with the
        variables or the survey question), frequency, census exploitation, minimum gap
        between two compared measures, polarity and themes. It is the methodology appendix
        and glossary of every report.
        """
        rows = [
            {
                "indicateur": i.id,
                "libelle": i.label,
                "definition": i.definition,
                "unite": i.unit,
                "source": _source_text(i),
                "frequence": i.source.frequency,
                "exploitation": EXPLOITATION_LABELS.get(i.source.exploitation or "", ""),
                "ecart_minimal": _min_gap_text(i),
                "polarite": POLARITY_LABELS[i.polarity],
                "themes": ", ".join(THEMES[t] for t in i.themes),
            }
            for i in self.indicators
        ]
        return pd.DataFrame(rows, columns=GLOSSARY_COLUMNS)

    def definition_hash(self, indicator_id: str) -> str:
        """:func:`definition_hash` of the indicator ``indicator_id`` (KeyError if unknown)."""
        return definition_hash(self.get(indicator_id))


# --------------------------------------------------------------------------- loading


def _entry_lines(text: str) -> list[tuple[int, dict[str, int]]]:
    """Line (1-based) of each item of the top-level ``indicators`` list, and of its keys."""
    try:
        node = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if getattr(key, "value", None) == "indicators" and isinstance(value, yaml.SequenceNode):
            return [
                (
                    item.start_mark.line + 1,
                    {str(k.value): k.start_mark.line + 1 for k, _ in item.value}
                    if isinstance(item, yaml.MappingNode)
                    else {},
                )
                for item in value.value
            ]
    return []


def _where(source: str, line: int | None, indicator_id: object) -> str:
    place = f"{source}, ligne {line}" if line else source
    return f"{place}, indicateur {indicator_id!r}" if indicator_id is not None else place


def _validation_lines(
    error: ValidationError,
    source: str,
    line: int | None,
    keys: dict[str, int],
    indicator_id: object,
) -> list[str]:
    def wording(item: ErrorDetails, message: str) -> str:
        if item["type"] == "literal_error":
            return message.replace("Input should be", "attendu :")
        return message

    lines = []
    for location, message, shown in error_items(
        error,
        unknown_key="champ inconnu (vérifiez l'orthographe)",
        root="(entrée)",
        rewrite=wording,
    ):
        field_line = keys.get(location.split(".")[0], line) if location != "(entrée)" else line
        lines.append(
            f"{_where(source, field_line, indicator_id)} : champ {location} : {message}{shown}"
        )
    return lines


_READ: dict[tuple[str, int, int], list[tuple[Indicator, bool, int | None]]] = {}
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: about 10x faster


def _read_file(path: Path) -> list[tuple[Indicator, bool, int | None]]:
    """Validated entries of one registry file, read once per process and file state.

    A notebook asks for the registry several times (key figures, definitions, glossary):
    the file is parsed and validated once, then served again while its path, size and
    modification time are unchanged (the entries are immutable models).
    """
    try:
        stat = path.stat()
    except OSError:
        return _parse_file(path)
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _READ:
        _READ[key] = _parse_file(path)
    return list(_READ[key])


def _parse_file(path: Path) -> list[tuple[Indicator, bool, int | None]]:
    """Validated entries of one registry file: (indicator, override flag, line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegistryError(f"{path} : fichier de registre introuvable") from None
    except UnicodeDecodeError as error:
        raise RegistryError(f"{path} : texte non UTF-8 ({error})") from None
    try:
        data = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as error:
        raise RegistryError(f"{path} : YAML invalide : {error}") from None
    source = str(path)
    if (
        not isinstance(data, dict)
        or set(data) != {"indicators"}
        or not isinstance(data["indicators"], list)
    ):
        keys = sorted(map(str, data)) if isinstance(data, dict) else type(data).__name__
        raise RegistryError(
            f"{source} : un fichier de registre est un dictionnaire à une seule clé "
            f"'indicators' contenant une liste d'entrées (reçu {keys})"
        )
    lines = _entry_lines(text)
    entries: list[tuple[Indicator, bool, int | None]] = []
    problems: list[str] = []
    for index, raw in enumerate(data["indicators"]):
        line, entry_keys = lines[index] if index < len(lines) else (None, {})
        if not isinstance(raw, dict):
            problems.append(
                f"{_where(source, line, None)} : une entrée est un dictionnaire (id, label, "
                f"definition …), reçu {raw!r}"
            )
            continue
        entry = dict(raw)
        override = entry.pop("override", False)
        where = _where(source, line, entry.get("id"))
        if not isinstance(override, bool):
            problems.append(
                f"{where} : champ override : true ou false attendu (valeur : {override!r})"
            )
            continue
        try:
            entries.append((Indicator.model_validate(entry), override, line))
        except ValidationError as error:
            problems.extend(_validation_lines(error, source, line, entry_keys, entry.get("id")))
    seen: dict[str, int | None] = {}
    for indicator, _, line in entries:
        if indicator.id in seen:
            problems.append(
                f"{_where(source, line, indicator.id)} : identifiant déjà défini à la "
                f"ligne {seen[indicator.id]} du même fichier"
            )
        seen.setdefault(indicator.id, line)
    if problems:
        raise RegistryError(
            f"{source} : registre d'indicateurs invalide\n  - " + "\n  - ".join(problems)
        )
    return entries


def load_registry(*paths: Path | str, default: bool = True) -> Registry:
    """Read the shipped registry, then the analyst's files, into one :class:`Registry`.

    Parameters
    ----------
    *paths
        Extra registry YAML files, applied in order. An entry with a new id is added; an
        entry with an existing id must say ``override: true`` and then replaces the
        earlier one entirely (same place in the order).
    default
        Read :data:`DEFAULT_REGISTRY` and the chapters' registries first (the registry
        shipped with ctgstats, :func:`chapter_registries`).

    Raises
    ------
    RegistryError
        Invalid file (naming the file, line, indicator id, field and value); a duplicate id
        without ``override: true`` (naming both files); ``override: true`` on an id that no
        earlier file defines.
    """
    shipped = [DEFAULT_REGISTRY, *chapter_registries()] if default else []
    files = shipped + [Path(p) for p in paths]
    indicators: dict[str, Indicator] = {}
    origin: dict[str, str] = {}
    problems: list[str] = []
    for path in files:
        for indicator, override, line in _read_file(path):
            where = _where(str(path), line, indicator.id)
            if indicator.id in indicators and not override:
                problems.append(
                    f"{where} : identifiant déjà défini dans {origin[indicator.id]} ; "
                    "écrivez 'override: true' dans cette entrée pour le remplacer, ou "
                    "choisissez un autre identifiant"
                )
            elif indicator.id not in indicators and override:
                problems.append(
                    f"{where} : 'override: true' mais aucun fichier de registre précédent "
                    "ne définit cet identifiant (retirez 'override' pour l'ajouter)"
                )
            else:
                indicators[indicator.id] = indicator
                origin[indicator.id] = str(path)
    if problems:
        raise RegistryError("registre d'indicateurs invalide\n  - " + "\n  - ".join(problems))
    return Registry(indicators=tuple(indicators.values()), files=tuple(str(p) for p in files))
