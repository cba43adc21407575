"""Typed parameters of a run, validated before any notebook kernel starts.

A params file (``params/*.yaml``) describes one territory to portray. The model refuses
unknown keys, wrong types and malformed codes, naming the field and the value. Whether a
well-formed code *exists* is checked against the composition table of the stated COG year
by :func:`ctgstats.core.territories.resolve` (also before any kernel starts).

Relative input paths of a params file (``data_dirs``, survey exports and codebooks,
registries, user tables, baseline, price index, action plan file, inventory of
dispositifs) are resolved against the
folder of that file (:func:`load_params`), whatever the current working directory: the same
file gives the same run from the command line and from a notebook. Paths of a params
mapping validated directly (:func:`parse_params` without ``base_dir``) and ``output_dir``
stay relative to the current working directory. The special data dir ``ctgstats:demo`` is
the fictional demo territory shipped with the package (:mod:`ctgstats.core.files`).

Whether a download source id is known is checked by the data layer
(:func:`ctgstats.data.download.check_download_sources`), before anything is fetched.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ctgstats.core.codes import CODE_SHAPES, Level, is_valid_code
from ctgstats.core.errors import InputError
from ctgstats.core.files import DEMO_DATA_DIR, anchor_path, resolve_path
from ctgstats.core.models import StrictModel, error_items
from ctgstats.core.notebooks import NOTEBOOKS, notebook_names

if TYPE_CHECKING:
    NotebookName = str
else:
    #: Any notebook of the catalogue (a Literal, so the JSON Schema lists them).
    NotebookName = Literal[notebook_names()]


def _anchored(value: str, info: ValidationInfo) -> str:
    """A path field anchored to the params file's folder (``base_dir`` in the context)."""
    base_dir = (info.context or {}).get("base_dir")
    return value if base_dir is None else anchor_path(value, base_dir)


#: An input path of a params file: relative paths are anchored to the file's folder.
InputPath = Annotated[str, AfterValidator(_anchored)]

#: How a notebook's ``requires`` is worded in the message refusing it.
_REQUIREMENT_WORDING = {
    "surveys": "au moins une entrée dans 'surveys'",
    "survey_series": "au moins une série d'enquêtes à deux vagues datées dans 'surveys' "
    "(même 'series', champs 'year' différents)",
}


class ParamsError(InputError, ValueError):
    """Invalid parameters: the message names the file, the field and the value."""


class Territory(StrictModel):
    """The territory portrayed.

    ``level`` is one of commune, epci, departement, region, groupe. A ``groupe`` is a named
    list of communes (e.g. the communes of a syndicat or a CTG perimeter).
    """

    level: Level = Field(description="commune, epci, departement, region ou groupe")
    code: str = Field(
        description="Code officiel (chaîne) : commune '31471', EPCI '200072635', "
        "département '31' ; identifiant libre pour un groupe"
    )
    name: str | None = Field(default=None, description="Libellé affiché (par défaut celui du COG)")
    communes: tuple[str, ...] | None = Field(
        default=None, description="Codes des communes d'un groupe (niveau 'groupe' seulement)"
    )

    @field_validator("code", mode="before")
    @classmethod
    def _code_is_string(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(
                f"le code {value!r} doit être écrit entre guillemets dans le YAML "
                '(ex. "01001"), sinon les zéros en tête sont perdus'
            )
        return value

    @field_validator("communes", mode="before")
    @classmethod
    def _communes_are_strings(cls, value: Any) -> Any:
        if value is None:
            return value
        if not isinstance(value, (list, tuple)):
            raise ValueError("communes doit être une liste de codes de communes")
        for item in value:
            if not isinstance(item, str):
                raise ValueError(f"le code de commune {item!r} doit être écrit entre guillemets")
        return value

    @field_validator("level")
    @classmethod
    def _not_france(cls, value: Level) -> Level:
        if value is Level.FRANCE:
            raise ValueError(
                "le niveau 'france' ne peut pas être le territoire portraituré : "
                "c'est un comparateur"
            )
        return value

    @field_validator("code")
    @classmethod
    def _check_code_shape(cls, value: str, info: ValidationInfo) -> str:
        level = info.data.get("level")
        if level is not None and not is_valid_code(level, value):
            shape = CODE_SHAPES.get(level, "identifiant de 1 à 64 lettres, chiffres, - ou _")
            raise ValueError(
                f"{value!r} n'est pas un code {level.value} valide (attendu : {shape})"
            )
        return value

    @model_validator(mode="after")
    def _check_group(self) -> Territory:
        if self.level is Level.GROUPE:
            if not self.communes:
                raise ValueError(
                    "un territoire de niveau 'groupe' demande une liste 'communes' non vide"
                )
            if not self.name:
                raise ValueError("un territoire de niveau 'groupe' demande un 'name'")
            bad = [c for c in self.communes if not is_valid_code(Level.COMMUNE, c)]
            if bad:
                raise ValueError(f"communes : codes de communes invalides {bad}")
            if len(set(self.communes)) != len(self.communes):
                raise ValueError("communes : la liste contient des doublons")
        elif self.communes is not None:
            raise ValueError("'communes' n'est permis qu'au niveau 'groupe'")
        return self

    @property
    def id(self) -> str:
        """Territory id used in figure tables: ``'epci:200072635'``."""
        return f"{self.level.value}:{self.code}"


class Comparator(StrictModel):
    """A comparison territory; ``code`` is inferred from the territory when omitted."""

    level: Literal["departement", "region", "france", "epci", "commune"]
    code: str | None = None

    @model_validator(mode="after")
    def _check_code(self) -> Comparator:
        if self.code is not None and not is_valid_code(Level(self.level), self.code):
            raise ValueError(
                f"le code {self.code!r} n'est pas un code {self.level} valide "
                f"(attendu : {CODE_SHAPES[Level(self.level)]})"
            )
        return self


#: Why a vintage cannot be "latest" (download sources, census, Filosofi, surveys).
LATEST_REFUSED = (
    "« latest » refusé : les millésimes sont fixés pour qu'un rapport puisse être "
    "reproduit à l'identique (« latest » change au gré des publications de l'Insee) ; "
    "donnez une année (ctgstats data list DOSSIER liste les millésimes des fichiers présents)"
)


def _refuse_latest(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() == "latest":
        raise ValueError(LATEST_REFUSED)
    return value


#: A pinned vintage: "latest" is refused with :data:`LATEST_REFUSED`.
NotLatest = BeforeValidator(_refuse_latest)


class Census(StrictModel):
    """Census vintages to compare (RP N pools the surveys N-2 … N+2)."""

    vintages: tuple[Annotated[int, Field(ge=1968, le=2100), NotLatest], ...] | None = Field(
        default=None,
        description="Millésimes du recensement, ex. [2011, 2016, 2022] ; "
        "par défaut tous ceux présents dans les fichiers",
    )

    @field_validator("vintages")
    @classmethod
    def _sorted_unique(cls, value: tuple[int, ...] | None) -> tuple[int, ...] | None:
        if value is None:
            return value
        if len(value) < 1:
            raise ValueError("donnez au moins un millésime du recensement")
        if len(set(value)) != len(value):
            raise ValueError(f"millésimes du recensement en double dans {list(value)}")
        return tuple(sorted(value))


class Income(StrictModel):
    """Filosofi vintage (disposable income)."""

    year: Annotated[int, Field(ge=2012, le=2100), NotLatest] | None = Field(
        default=None, description="Millésime Filosofi ; par défaut le plus récent disponible"
    )


class Options(StrictModel):
    """Conventions with variants (methodology: make the variant a parameter)."""

    small_count_threshold: Annotated[float, Field(gt=0)] = Field(
        default=200, description="Seuil des petits effectifs (variables C, règle 4)"
    )
    ageing_index: Literal["65", "60"] = Field(
        default="65", description="Indice de vieillissement : 65+/<20 (défaut) ou 60+/<20"
    )


class DownloadSource(StrictModel):
    """One INSEE file to download, pinned to its vintage (never "latest")."""

    id: str = Field(
        min_length=1, description="Identifiant de source, ex. rp_evol_struct_pop, filosofi_disp"
    )
    vintage: Annotated[int, Field(ge=1990, le=2100), NotLatest]
    level: Literal["COM", "EPCI", "DEP", "REG", "METROPOLE"] | None = None


class Download(StrictModel):
    """INSEE files to download into the cache (checksummed) before reading the data dirs."""

    sources: tuple[DownloadSource, ...] = ()
    offline: bool = Field(
        default=False,
        description="Ne jamais utiliser le réseau : seuls les fichiers déjà en cache servent",
    )


class Weighting(StrictModel):
    """How survey respondents are weighted (rule 13)."""

    method: Literal["raking", "none"] = Field(
        default="raking",
        description="'raking' : calage sur les marges du recensement du "
        "territoire ; 'none' : résultats non pondérés",
    )
    margins: tuple[str, ...] = Field(
        default=("age", "sexe"),
        min_length=1,
        description="Descripteurs du répondant calés (age, sexe, commune)",
    )
    bounds: tuple[Annotated[float, Field(gt=0)], Annotated[float, Field(gt=0)]] = Field(
        default=(0.25, 4.0), description="Bornes des poids rapportés au poids moyen"
    )

    @model_validator(mode="after")
    def _check(self) -> Weighting:
        low, high = self.bounds
        if not low < 1 < high:
            raise ValueError(f"bounds doit vérifier bas < 1 < haut, reçu {list(self.bounds)}")
        unknown = [m for m in self.margins if m not in ("age", "sexe", "commune")]
        if unknown:
            raise ValueError(
                f"les marges {unknown} ne peuvent pas être tirées du recensement "
                "(permises : age, sexe, commune)"
            )
        return self


class Survey(StrictModel):
    """A survey export with its codebook (residents, elected officials …).

    Repeated waves of the same questionnaire share a ``series`` (default: the id) and
    differ by ``year``: survey-based indicators compare the waves.
    """

    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_\-]{0,63}$",
        description="Identifiant de l'enquête, utilisé dans les noms de fichiers "
        "(tables/enquete_<id>_frequences.csv)",
    )
    export: InputPath = Field(
        description="Fichier exporté (LimeSurvey, Google Forms, Kobo, CSV) ; "
        "'ctgstats:demo/…' pour les enquêtes fictives"
    )
    codebook: InputPath = Field(description="Codebook YAML de l'enquête")
    format: Literal["limesurvey", "googleforms", "kobo", "csv"] | None = Field(
        default=None, description="Format de l'export (détecté par défaut)"
    )
    weighting: Weighting = Weighting()
    series: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9_\-]{0,63}$",
        description="Série d'enquêtes (vagues successives) ; par défaut l'identifiant",
    )
    year: Annotated[int, Field(ge=1990, le=2100)] | None = Field(
        default=None, description="Année de la vague (pour le suivi des indicateurs)"
    )
    title: str | None = Field(
        default=None,
        min_length=1,
        max_length=120,
        description="Nom de l'enquête lu par les lecteurs (liens, titre de la page), "
        "par ex. « Enquête auprès des habitants » ; par défaut formé de l'identifiant "
        "de la série et de l'année",
    )

    @property
    def series_id(self) -> str:
        """The series this wave belongs to."""
        return self.series or self.id

    @property
    def readable_title(self) -> str:
        """Title read in links and page headings, with the wave's year when known.

        ``title`` when given, else "Enquête" and the series id made readable
        (``habitants`` → "Enquête habitants"); the year is appended unless the title
        already holds it.
        """
        base = self.title or "Enquête " + self.series_id.replace("_", " ").replace("-", " ")
        if self.year is not None and str(self.year) not in base:
            base = f"{base} {self.year}"
        return base


def survey_series(surveys: Sequence[Survey]) -> dict[str, tuple[Survey, ...]]:
    """Series with at least two dated waves: series id → its waves by year.

    Only waves with a ``year`` are ordered and compared; a series whose dated waves share
    a single year has nothing to compare and is left out.
    """
    by_series: dict[str, list[Survey]] = {}
    for survey in surveys:
        if survey.year is not None:
            by_series.setdefault(survey.series_id, []).append(survey)
    return {
        series: tuple(sorted(waves, key=lambda s: s.year or 0))
        for series, waves in by_series.items()
        if len({w.year for w in waves}) >= 2
    }


class TargetSpec(StrictModel):
    """The target of an indicator in an action sheet."""

    kind: Literal["level", "rate", "change", "direction"] = Field(
        description="level : atteindre une valeur ; rate : taux annuel moyen (%) ; "
        "change : variation absolue ; direction : hausse ou baisse"
    )
    value: float | None = None
    direction: Literal["up", "down"] | None = None

    @model_validator(mode="after")
    def _check(self) -> TargetSpec:
        if self.kind == "direction":
            if self.direction is None:
                raise ValueError("une cible 'direction' demande direction : up ou down")
        elif self.value is None:
            raise ValueError(f"une cible '{self.kind}' demande une valeur (value)")
        return self


class IndicatorTarget(StrictModel):
    """One indicator of an action sheet, with its target (optional)."""

    indicator: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    target: TargetSpec | None = None


class ActionSheet(StrictModel):
    """A fiche action of the CTG (or an axis of a Pacte local des solidarités)."""

    fiche: str
    theme: str | None = None
    targets: tuple[IndicatorTarget, ...] = Field(min_length=1)


class Indicators(StrictModel):
    """Indicators over time: registry, local data, frozen T0 and action plan."""

    registry: tuple[InputPath, ...] = Field(
        default=(),
        description="Registres YAML complémentaires (ajoutent ou remplacent des indicateurs)",
    )
    user_tables: tuple[InputPath, ...] = Field(
        default=(),
        description="Tables de données locales "
        "(modèle : src/ctgstats/data/modele_table_indicateurs.csv)",
    )
    baseline: InputPath | None = Field(
        default=None, description="Fichier T0 figé (ctgstats baseline freeze)"
    )
    t0_year: Annotated[int, Field(ge=1990, le=2100)] | None = Field(
        default=None, description="Année T0 des données locales (par défaut la plus récente)"
    )
    stability_threshold: Annotated[float, Field(gt=0)] = Field(
        default=1.0,
        description="Variation relative (%) en deçà de laquelle une donnée "
        "administrative est jugée stable",
    )
    price_index: InputPath | None = Field(
        default=None,
        description="Table de l'indice des prix à la consommation (colonnes "
        "annee;indice;source, moyennes annuelles de l'Insee) : les revenus Filosofi sont "
        "jugés en euros constants ; sans elle, ils sont non mesurables en euros constants",
    )
    action_plan: tuple[ActionSheet, ...] = ()
    action_plan_file: InputPath | None = Field(
        default=None,
        description="Plan d'action dans un fichier YAML à part (liste de "
        "fiches) ; 'ctgstats:demo/suivi/plan_action.yaml' pour la démo",
    )

    @model_validator(mode="before")
    @classmethod
    def _read_plan_file(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict) or not data.get("action_plan_file"):
            return data
        if data.get("action_plan"):
            raise ValueError("donnez soit action_plan, soit action_plan_file, pas les deux")
        path = resolve_path(_anchored(str(data["action_plan_file"]), info))
        try:
            plan = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValueError(f"action_plan_file : {path} introuvable") from None
        except UnicodeDecodeError:
            raise ValueError(f"action_plan_file : {path} n'est pas encodé en UTF-8") from None
        except yaml.YAMLError as error:
            raise ValueError(
                f"action_plan_file : {path} n'est pas un YAML valide : {error}"
            ) from None
        if not isinstance(plan, list):
            raise ValueError(f"action_plan_file : {path} doit contenir une liste de fiches action")
        return {**data, "action_plan": plan}


class Params(StrictModel):
    """Parameters of one portrait run (the content of a ``params/*.yaml`` file)."""

    territory: Territory
    cog_year: Annotated[int, Field(ge=2000, le=2100)] | None = Field(
        default=None,
        description="Année du COG (géographie au 1er janvier) ; par défaut la "
        "table de composition la plus récente trouvée",
    )
    comparators: tuple[Comparator, ...] | None = Field(
        default=None,
        description="Territoires de comparaison ; par défaut le département, "
        "la région (quand les données la donnent) et la France métropolitaine (code FRM ; "
        "FR = France entière, DOM compris)",
    )
    census: Census = Census()
    income: Income = Income()
    data_dirs: tuple[InputPath, ...] = Field(
        default=(DEMO_DATA_DIR,),
        min_length=1,
        description="Dossiers de fichiers Insee ; 'ctgstats:demo' = données fictives",
    )
    output_dir: str = Field(default="outputs", description="Dossier de sortie")
    notebooks: tuple[NotebookName, ...] | None = Field(
        default=None,
        min_length=1,
        description="Carnets à exécuter ; par défaut 01 et 02, et 03 (une fois par enquête) "
        "quand des enquêtes sont déclarées, 04 quand un plan d'action l'est",
    )
    surveys: tuple[Survey, ...] = Field(default=(), description="Enquêtes à analyser")
    indicators: Indicators = Field(
        default_factory=Indicators, description="Suivi des indicateurs (T0, cibles, T+n)"
    )
    dispositifs: InputPath | None = Field(
        default=None,
        description="Inventaire des dispositifs du territoire (CSV ou XLSX ; modèle vierge : "
        "ctgstats dispositifs-modele FICHIER.xlsx), lu par le carnet 10_dispositifs ; "
        "'ctgstats:demo/dispositifs/inventaire_dispositifs.csv' pour la démo",
    )
    options: Options = Options()
    download: Download = Download()
    slug: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9_\-]{0,80}$",
        description="Nom du sous-dossier de sortie",
    )

    @model_validator(mode="after")
    def _surveys_and_notebooks(self) -> Params:
        for spec in NOTEBOOKS:
            if self.notebooks and spec.name in self.notebooks and not self._has(spec.requires):
                wording = _REQUIREMENT_WORDING.get(spec.requires or "", spec.requires)
                raise ValueError(f"notebooks : '{spec.name}' demande {wording}")
        ids = [s.id for s in self.surveys]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"surveys : les identifiants {twice} sont utilisés deux fois")
        return self

    def _has(self, field: str | None) -> bool:
        """Whether the dotted params ``field`` (a notebook's ``requires``) is not empty."""
        if field is None:
            return True
        value: Any = self
        for part in field.split("."):
            value = getattr(value, part)
        return bool(value)

    @property
    def survey_series(self) -> dict[str, tuple[Survey, ...]]:
        """Series with at least two waves of different years (:func:`survey_series`)."""
        return survey_series(self.surveys)

    @property
    def notebook_names(self) -> tuple[str, ...]:
        """Notebooks to run, in the catalogue's reading order (defaults filled in).

        The order of a params' ``notebooks`` list does not matter: the report reads
        portrait chapters, then surveys, then the follow-up (:data:`NOTEBOOKS`).
        """
        if self.notebooks is not None:
            order = {spec.name: index for index, spec in enumerate(NOTEBOOKS)}
            return tuple(sorted(self.notebooks, key=lambda name: order.get(name, len(order))))
        return tuple(spec.name for spec in NOTEBOOKS if spec.default and self._has(spec.requires))

    def to_jsonable(self) -> dict[str, Any]:
        """Plain JSON-serialisable dict (the form injected into notebooks).

        An action plan read from ``action_plan_file`` stays a reference to that file.
        """
        data = json.loads(self.model_dump_json())
        if data["indicators"].get("action_plan_file"):
            data["indicators"]["action_plan"] = []
        return data


def _format_validation_error(error: ValidationError, source: str) -> str:
    items = error_items(
        error, unknown_key="clé inconnue (pas un paramètre de ctgstats ; vérifiez l'orthographe)"
    )
    return "\n".join(
        [
            f"{source} : paramètres invalides",
            *(f"  - {where} : {message}{shown}" for where, message, shown in items),
        ]
    )


def _kind(value: Any) -> str:
    """What ``value`` is, in French (never a Python class name)."""
    if isinstance(value, list | tuple):
        return "une liste"
    if isinstance(value, str):
        return f"le texte {value!r}"
    if isinstance(value, bool | int | float):
        return f"le nombre {value!r}"
    return "une valeur d'un autre type"


def parse_params(
    data: Any, *, source: str = "<params>", base_dir: Path | str | None = None
) -> Params:
    """Validate a mapping into :class:`Params`, raising :class:`ParamsError` on any problem.

    Parameters
    ----------
    data : Any
        The mapping (the content of a params file); None is the empty mapping.
    source : str
        What error messages name (the file's path).
    base_dir : Path or str, optional
        Folder that relative input paths are anchored to (the params file's folder);
        None leaves them relative to the current working directory.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParamsError(
            f"{source} : les paramètres doivent être un dictionnaire (clé: valeur), "
            f"reçu {_kind(data)}"
        )
    try:
        context = None if base_dir is None else {"base_dir": Path(base_dir)}
        return Params.model_validate(data, context=context)
    except ValidationError as error:
        raise ParamsError(_format_validation_error(error, source)) from None


def load_params(path: Path | str) -> Params:
    """Read and validate a params YAML file.

    Its relative input paths are resolved against the file's folder (see the module
    docstring), not against the current working directory.
    """
    path = Path(path)
    if path.is_dir():
        raise ParamsError(
            f"{path} est un dossier : donnez le chemin d'un fichier de paramètres YAML "
            "(par ex. params/demo.yaml)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(f"{path} : fichier de paramètres introuvable") from None
    except UnicodeDecodeError as error:
        raise ParamsError(
            f"{path} : le fichier n'est pas encodé en UTF-8 (octet {error.start + 1} "
            "illisible) ; enregistrez-le en UTF-8 depuis votre éditeur"
        ) from None
    except OSError as error:
        raise ParamsError(f"{path} : lecture impossible ({error.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ParamsError(f"{path} : YAML invalide : {error}") from None
    return parse_params(data, source=str(path), base_dir=path.absolute().parent)


def params_from(
    params: Params | Mapping[str, Any] | None, params_file: Path | str | None = None
) -> Params:
    """The params a notebook's entry point works on: a params file, else the mapping.

    Parameters
    ----------
    params : Params, mapping or None
        Validated params or a mapping to validate (a notebook's ``params`` dict).
    params_file : Path or str, optional
        A params YAML file; when given it wins and ``params`` is ignored (a notebook's
        ``params`` holds the demo defaults). A relative ``params_file`` is relative to
        the current working directory; the paths inside it, to its own folder.

    Returns
    -------
    Params
        The validated params.

    Raises
    ------
    ParamsError
        Neither given, an unreadable file or invalid parameters.
    """
    if params_file is not None:
        return load_params(params_file)
    if isinstance(params, Params):
        return params
    if params is None:
        raise ParamsError(
            "donnez des paramètres (params) ou un fichier de paramètres (params_file)"
        )
    return parse_params(dict(params))


def json_schema() -> dict[str, Any]:
    """JSON Schema of the params file, exported from the model."""
    schema = Params.model_json_schema()
    schema["title"] = "ctgstats params file"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
