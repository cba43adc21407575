"""Reading and validating an inventory of the territory's services and schemes.

An inventory (« inventaire des dispositifs ») is a CSV or XLSX table, one line per
scheme, with the columns of :data:`COLUMNS` (the blank template is written by
:func:`ctgstats.portrait.dispositifs.template.write_template`). Field names and code
lists follow the national data·inclusion schema where it has them (``nom``,
``thematiques``, ``publics``, ``reseaux_porteurs``, ``zone_eligibilite``); the CTG theme,
funding, capacity and the columns of the Pacte local des solidarités (coverage of needs,
difficulties, ways forward) are ctgstats'.

Validation is strict (:class:`Dispositif`, pydantic): every problem of the file is
reported at once, each naming the file, the line as the spreadsheet numbers it (header =
line 1) and the column, in French. A commune code is checked against the geography of
the report (:class:`Geography`): a code outside the territory is refused, never dropped.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from pydantic import BeforeValidator, Field, ValidationError, ValidationInfo, field_validator

from ctgstats.core.codes import Level, is_valid_code
from ctgstats.core.errors import InputError
from ctgstats.core.models import StrictModel, french_message
from ctgstats.core.territories import Composition, ResolvedTerritory
from ctgstats.data.tabular import TabularError, TextTable, read_delimited, read_xlsx
from ctgstats.portrait.dispositifs.codes import code_lists

__all__ = [
    "COLUMNS",
    "SHEET",
    "Column",
    "Dispositif",
    "Geography",
    "Inventory",
    "InventoryError",
    "read_inventory",
]

#: Sheet of a workbook holding the inventory (else the first sheet).
SHEET = "dispositifs"

#: Most errors listed in one message (the others are counted).
MAX_ERRORS = 60

_LIST_SPLIT = re.compile(r"[,|]")


class InventoryError(InputError, ValueError):
    """An inventory that cannot be used: every problem, with its file, line and column."""


@dataclass(frozen=True)
class Column:
    """One column of the inventory."""

    name: str
    label: str
    required: bool
    help: str
    example: str
    data_inclusion: bool = False
    """The field (name and codes) is data·inclusion's."""


COLUMNS: tuple[Column, ...] = (
    Column(
        "nom",
        "Nom du dispositif",
        True,
        "Nom du dispositif ou du service (3 à 150 caractères)",
        "Relais petite enfance du Haut-Val",
        True,
    ),
    Column(
        "porteur",
        "Structure porteuse",
        True,
        "Organisme qui porte le dispositif",
        "CC du Haut-Val",
    ),
    Column(
        "reseaux_porteurs",
        "Réseau du porteur",
        False,
        "Code(s) data·inclusion du réseau du porteur, séparés par des virgules (feuille « codes »)",
        "communes",
        True,
    ),
    Column(
        "partenaires",
        "Partenaires",
        False,
        "Partenaires (texte libre)",
        "CAF, PMI du département",
    ),
    Column(
        "publics",
        "Publics",
        False,
        "Code(s) data·inclusion des publics, séparés par des virgules",
        "familles",
        True,
    ),
    Column(
        "theme_ctg",
        "Thème CTG",
        True,
        "Code(s) du thème de la CTG, séparés par des virgules (feuille « codes »)",
        "petite_enfance",
    ),
    Column(
        "thematiques",
        "Thématiques data·inclusion",
        False,
        "Code(s) data·inclusion des thématiques (catégorie ou sous-thématique), "
        "séparés par des virgules",
        "famille--garde-denfants",
        True,
    ),
    Column(
        "zone_eligibilite",
        "Zone couverte",
        True,
        "Codes Insee des communes couvertes, séparés par des virgules ; ou le code de "
        "l'EPCI ou du département pour toutes leurs communes du territoire",
        "00001, 00002",
        True,
    ),
    Column(
        "financeurs",
        "Financeurs",
        False,
        "Financeurs (texte libre)",
        "CAF (prestation de service), CC du Haut-Val",
    ),
    Column(
        "budget_annuel_euros",
        "Budget annuel (€)",
        False,
        "Budget annuel en euros (nombre positif ou nul)",
        "45000",
    ),
    Column(
        "capacite",
        "Capacité",
        False,
        "Capacité (nombre entier positif ou nul : places, personnes suivies par an …)",
        "20",
    ),
    Column(
        "unite_capacite",
        "Unité de la capacité",
        False,
        "Ce que compte la capacité (places, personnes par an …) ; demandée avec une capacité",
        "places",
    ),
    Column(
        "couverture_besoins",
        "Couverture des besoins",
        False,
        "satisfaisante, partielle, insuffisante ou non_evaluee",
        "partielle",
    ),
    Column(
        "difficultes",
        "Difficultés",
        False,
        "Difficultés rencontrées (texte libre)",
        "Liste d'attente au printemps",
    ),
    Column(
        "pistes_evolution",
        "Pistes d'évolution",
        False,
        "Pistes d'évolution (texte libre)",
        "Une permanence à Saint-Fictif",
    ),
)

_BY_NAME = {c.name: c for c in COLUMNS}


@dataclass(frozen=True)
class Geography:
    """The communes of the report's territory and the codes a zone may name.

    Attributes
    ----------
    communes
        Code → name of every commune of the territory (COG of the report).
    groups
        Code of an EPCI, a département or of the territory itself → its communes within
        the territory.
    known
        Every commune code of the composition table (to tell a commune outside the
        territory from a code that does not exist).
    cog_year
        The COG year, for messages.
    """

    communes: Mapping[str, str]
    groups: Mapping[str, tuple[str, ...]]
    known: frozenset[str]
    cog_year: int

    @classmethod
    def of(cls, territory: ResolvedTerritory, composition: Composition) -> Geography:
        """The geography of ``territory`` in ``composition``."""
        table = composition.table
        members = list(territory.communes or ())
        names = table.set_index("commune")["nom_commune"]
        inside = table[table["commune"].isin(members)]
        groups: dict[str, tuple[str, ...]] = {}
        for column in ("epci", "departement"):
            for code, rows in inside.groupby(column):
                groups[str(code)] = tuple(sorted(rows["commune"]))
        groups[territory.code] = tuple(sorted(members))
        return cls(
            communes={c: str(names.get(c, "")) for c in members},
            groups=groups,
            known=frozenset(table["commune"].astype(str)),
            cog_year=composition.cog_year,
        )

    def resolve(self, code: str) -> tuple[str, ...]:
        """Communes of the territory named by one zone code (``ValueError`` if none)."""
        if code in self.communes:
            return (code,)
        if code in self.groups:
            return self.groups[code]
        if code.lower() == "france":
            return tuple(sorted(self.communes))
        if code in self.known:
            raise ValueError(
                f"la commune {code} n'est pas dans le territoire du rapport (COG {self.cog_year})"
            )
        raise ValueError(
            f"code {code!r} inconnu pour la géographie du rapport : ni commune du "
            f"territoire, ni son EPCI ou son département (COG {self.cog_year})"
        )


def _split(value: Any) -> Any:
    """A list cell (``"a, b | c"``) as a tuple of stripped codes; blank → empty tuple."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in _LIST_SPLIT.split(value) if part.strip())
    return value


def _blank_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _number(value: Any) -> Any:
    """A French number cell (``"12 000,5"``) as text Python parses; blank → None."""
    value = _blank_none(value)
    if isinstance(value, str):
        return value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    return value


Codes = Annotated[tuple[str, ...], BeforeValidator(_split)]
Text = Annotated[str | None, BeforeValidator(_blank_none)]


def _check_codes(values: tuple[str, ...], allowed: Mapping[str, str], what: str) -> None:
    unknown = [v for v in values if v not in allowed]
    if not unknown:
        return
    hints = []
    for value in unknown:
        close = difflib.get_close_matches(value, list(allowed), n=1, cutoff=0.75)
        hints.append(f"{value!r}" + (f" (vouliez-vous dire {close[0]!r} ?)" if close else ""))
    raise ValueError(f"{what} inconnu(s) : {', '.join(hints)}")


class Dispositif(StrictModel):
    """One line of the inventory (a scheme, a service of the territory)."""

    nom: str = Field(min_length=3, max_length=150)
    porteur: str = Field(min_length=1)
    reseaux_porteurs: Codes = ()
    partenaires: Text = None
    publics: Codes = ()
    theme_ctg: Codes = Field(min_length=1)
    thematiques: Codes = ()
    zone_eligibilite: Codes = Field(min_length=1)
    financeurs: Text = None
    budget_annuel_euros: Annotated[float | None, BeforeValidator(_number), Field(ge=0)] = None
    capacite: Annotated[int | None, BeforeValidator(_number), Field(ge=0)] = None
    unite_capacite: Text = None
    couverture_besoins: Annotated[str | None, BeforeValidator(_blank_none)] = None
    difficultes: Text = None
    pistes_evolution: Text = None
    communes: tuple[str, ...] = ()
    """Communes of the territory covered (from ``zone_eligibilite``), sorted."""

    @field_validator("reseaux_porteurs")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _check_codes(value, code_lists().reseaux_porteurs, "réseau(x) porteur(s) data·inclusion")
        return value

    @field_validator("publics")
    @classmethod
    def _publics(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _check_codes(value, code_lists().publics, "public(s) data·inclusion")
        return value

    @field_validator("thematiques")
    @classmethod
    def _thematiques(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _check_codes(value, code_lists().thematiques, "code(s) de thématique data·inclusion")
        return value

    @field_validator("theme_ctg")
    @classmethod
    def _themes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        labels = {code: theme.label for code, theme in code_lists().themes.items()}
        _check_codes(value, labels, "code(s) de thème CTG")
        return value

    @field_validator("couverture_besoins")
    @classmethod
    def _coverage(cls, value: str | None) -> str | None:
        if value is None:
            return value
        allowed = code_lists().couverture
        if value not in allowed:
            raise ValueError(f"valeur attendue : {', '.join(allowed)}")
        return value

    @field_validator("zone_eligibilite")
    @classmethod
    def _zone(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        geography: Geography | None = (info.context or {}).get("geography")
        problems = []
        for code in value:
            if geography is not None:
                try:
                    geography.resolve(code)
                except ValueError as error:
                    problems.append(str(error))
            elif not (is_valid_code(Level.COMMUNE, code) or code.isdigit()):
                problems.append(f"code {code!r} : code Insee de commune attendu")
        if problems:
            raise ValueError(" ; ".join(problems))
        return value

    @field_validator("communes")
    @classmethod
    def _no_communes(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        geography: Geography | None = (info.context or {}).get("geography")
        zone = info.data.get("zone_eligibilite")
        if geography is None or zone is None:
            return value
        return tuple(sorted({c for code in zone for c in geography.resolve(code)}))


@dataclass(frozen=True)
class Inventory:
    """A validated inventory: its dispositifs and the line each came from."""

    path: Path
    dispositifs: tuple[Dispositif, ...]
    lines: tuple[int, ...]

    def table(self) -> pd.DataFrame:
        """One row per dispositif, lists joined by ``", "`` (``tables/dispositifs.csv``)."""
        rows = []
        for line, item in zip(self.lines, self.dispositifs):
            row: dict[str, Any] = {"ligne": line}
            for column in COLUMNS:
                value = getattr(item, column.name)
                row[column.name] = ", ".join(value) if isinstance(value, tuple) else value
            row["communes_couvertes"] = ", ".join(item.communes)
            rows.append(row)
        columns = ["ligne", *(c.name for c in COLUMNS), "communes_couvertes"]
        frame = pd.DataFrame(rows, columns=columns)
        frame["capacite"] = frame["capacite"].astype("Int64")  # counts stay integers
        frame["budget_annuel_euros"] = frame["budget_annuel_euros"].astype("float64")
        return frame


def _read_table(path: Path) -> TextTable:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InventoryError(f"{path} : inventaire des dispositifs introuvable")
    if suffix == ".csv":
        return read_delimited(path, record_lines=True)
    if suffix == ".xlsx":
        return read_xlsx(path, sheet=lambda names: SHEET if SHEET in names else names[0])
    raise InventoryError(
        f"{path} : format non pris en charge pour l'inventaire des dispositifs "
        "(attendu : .csv ou .xlsx, voir ctgstats dispositifs-modele)"
    )


def _header_problems(table: TextTable) -> list[str]:
    problems = []
    names = [h.strip().lower() for h in table.header]
    seen: set[str] = set()
    for index, name in enumerate(names, start=1):
        if not name:
            problems.append(f"ligne 1 : la colonne n° {index} n'a pas de nom")
        elif name in seen:
            problems.append(f"ligne 1 : colonne « {name} » en double")
        elif name not in _BY_NAME:
            close = difflib.get_close_matches(name, list(_BY_NAME), n=1, cutoff=0.6)
            hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
            problems.append(f"ligne 1 : colonne « {name} » inconnue{hint}")
        seen.add(name)
    missing = [c.name for c in COLUMNS if c.required and c.name not in seen]
    if missing:
        problems.append(f"ligne 1 : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}")
    return problems


def _row_problems(
    error: ValidationError, line: int, row: Mapping[str, str]
) -> list[tuple[int, str]]:
    problems = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "(ligne)"
        value = row.get(field, "")
        shown = f" (valeur {value!r})" if str(value).strip() else ""
        message = french_message(item)
        if item["type"] == "missing" or (item["type"] == "too_short" and not str(value).strip()):
            message, shown = "champ obligatoire vide", ""
        if item["type"] == "greater_than_equal":
            message = "doit être positif ou nul"
        problems.append((line, f"ligne {line} : champ « {field} » : {message}{shown}"))
    return problems


def _check_rows(
    table: TextTable, geography: Geography | None
) -> tuple[list[Dispositif], list[int], list[tuple[int, str]]]:
    names = [h.strip().lower() for h in table.header]
    items: list[Dispositif] = []
    lines: list[int] = []
    problems: list[tuple[int, str]] = []
    first_line: dict[tuple[str, str], int] = {}
    for cells, line in zip(table.rows, table.lines):
        row = {name: cell.strip() for name, cell in zip(names, cells) if name in _BY_NAME}
        if line in table.overflow:
            problems.append(
                (line, f"ligne {line} : valeur {table.overflow[line]!r} hors des colonnes")
            )
        data: dict[str, object] = {key: value for key, value in row.items() if value != ""}
        data.setdefault("communes", ())
        try:
            item = Dispositif.model_validate(data, context={"geography": geography})
        except ValidationError as error:
            problems.extend(_row_problems(error, line, row))
            continue
        key = (item.nom.casefold(), item.porteur.casefold())
        if key in first_line:
            problems.append(
                (
                    line,
                    f"ligne {line} : champ « nom » : dispositif en double avec la ligne "
                    f"{first_line[key]} (même nom et même porteur)",
                )
            )
            continue
        first_line[key] = line
        if item.capacite is not None and item.unite_capacite is None:
            problems.append(
                (
                    line,
                    f"ligne {line} : champ « unite_capacite » : précisez ce que compte la "
                    "capacité (places, personnes par an …)",
                )
            )
        items.append(item)
        lines.append(line)
    return items, lines, problems


def _message(path: Path, sheet: str | None, problems: Sequence[str]) -> str:
    where = f"{path}" + (f" (feuille « {sheet} »)" if sheet else "")
    shown = list(problems[:MAX_ERRORS])
    if len(problems) > MAX_ERRORS:
        shown.append(f"… et {len(problems) - MAX_ERRORS} autre(s) erreur(s)")
    return "\n".join(
        [
            f"{where} : inventaire des dispositifs invalide ({len(problems)} erreur(s))",
            *(f"  - {where} : {p}" for p in shown),
        ]
    )


def read_inventory(path: Path | str, *, geography: Geography | None = None) -> Inventory:
    """Read and validate an inventory file (CSV or XLSX).

    Parameters
    ----------
    path
        The file (``.csv`` with ``;`` or ``,``, or ``.xlsx``, sheet ``dispositifs`` or
        the first sheet; header on line 1).
    geography
        The report's geography: zone codes must name its communes, its EPCI or its
        département. None checks only that they look like commune codes.

    Returns
    -------
    Inventory
        Blank lines are skipped; every other line is a dispositif.

    Raises
    ------
    InventoryError
        Every problem at once, each naming the file, the line (header = 1) and the column.
    """
    path = Path(path)
    try:
        table = _read_table(path)
    except TabularError as error:
        raise InventoryError(str(error)) from None
    problems = _header_problems(table)
    if problems:
        raise InventoryError(_message(path, table.sheet, problems))
    items, lines, row_problems = _check_rows(table, geography)
    if row_problems:
        raise InventoryError(
            _message(path, table.sheet, [p for _, p in sorted(row_problems, key=lambda p: p[0])])
        )
    if not items:
        raise InventoryError(
            _message(path, table.sheet, ["aucun dispositif : le tableau n'a que son en-tête"])
        )
    return Inventory(path=path, dispositifs=tuple(items), lines=tuple(lines))
