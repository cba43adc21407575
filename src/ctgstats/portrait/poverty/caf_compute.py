"""CAF benefits figures (foyers allocataires, rates over census denominators): pure functions.

Counts are the Cnaf's December stock of year N (rule 21: CAF scheme only, MSA excluded;
commune counts rounded or blurred). Each territory takes the row of its own level's file
(an EPCI from the EPCI file); without it, the sum of its communes, only when every commune
is published (rule 11: counts are summed, never rates averaged), with the rounding noise
stated. Rates divide by census denominators **of the same territory** (population,
households, single-parent families) from the latest census vintage not after the CAF
year, named in the source, and say that a *foyer allocataire* is not an INSEE *ménage*.

``counts`` (input of :func:`count_figures` and :func:`rate_figures`): the long table of
:func:`territory_counts`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from ctgstats.core.codes import Level
from ctgstats.core.figures import figure, to_frame
from ctgstats.core.territories import METROPOLE, ResolvedTerritory
from ctgstats.portrait.demography import census_source
from ctgstats.portrait.poverty.caf_read import BENEFITS

__all__ = [
    "COUNT_SERIES",
    "RATE_SERIES",
    "SOURCE_LABEL",
    "count_figures",
    "evolution_figures",
    "rate_figures",
    "territory_counts",
]

SOURCE_LABEL = "Cnaf, allocataires au 31 décembre (data.caf.fr)"
ROUNDING = (
    "effectifs arrondis à 5 par la Cnaf (7 → 5, 12 → 10) : une évolution de quelques "
    "foyers n'est pas significative"
)
SUM_NOTE = "somme des communes publiées par la Cnaf"
LEVEL_FILES = {
    Level.COMMUNE: "COM",
    Level.EPCI: "EPCI",
    Level.DEPARTEMENT: "DEP",
    Level.FRANCE: "NAT",
}
_FIELD = "Foyers allocataires de la Cnaf (régime général, MSA exclue) en décembre"


@dataclass(frozen=True)
class _Count:
    ident: str
    benefit: str
    column: str  # "foyers" or "personnes"
    definition: str


@dataclass(frozen=True)
class _Rate:
    ident: str
    count: str  # ident of a _Count
    denominator: str  # census variable without the "P22_" prefix, e.g. "P:POP"
    unit: str
    definition: str


COUNT_SERIES: tuple[_Count, ...] = (
    _Count(
        "foyers_allocataires_caf",
        "allocataires",
        "foyers",
        f"{_FIELD} ayant un droit versable à au moins une prestation.",
    ),
    _Count(
        "personnes_couvertes_caf",
        "allocataires",
        "personnes",
        "Personnes couvertes par au moins une prestation de la Cnaf en décembre "
        "(allocataires, conjoints, enfants et autres personnes à charge), MSA exclue.",
    ),
    *(
        _Count(
            f"foyers_{benefit}_caf",
            benefit,
            "foyers",
            f"{_FIELD} percevant : {label}.",
        )
        for benefit, label in BENEFITS.items()
        if benefit != "allocataires"
    ),
)
"""Counts of :func:`count_figures`, in output order."""

_FOYER = (
    "un foyer allocataire (l'allocataire, son conjoint et les personnes à charge) n'est pas "
    "un ménage de l'Insee : plusieurs foyers peuvent vivre dans un même logement"
)
RATE_SERIES: tuple[_Rate, ...] = (
    _Rate(
        "part_population_couverte_caf",
        "personnes_couvertes_caf",
        "P:POP",
        "%",
        "Personnes couvertes par au moins une prestation de la Cnaf en décembre de l'année, "
        "pour 100 habitants du recensement du même territoire (dernier millésime publié "
        "avant l'année de la Cnaf, nommé dans la source) ; MSA exclue.",
    ),
    _Rate(
        "part_menages_rsa",
        "foyers_rsa_caf",
        "C:MEN",
        "%",
        "Foyers allocataires du RSA (Cnaf, décembre) pour 100 ménages du recensement du même "
        f"territoire ; {_FOYER}.",
    ),
    _Rate(
        "part_menages_prime_activite",
        "foyers_prime_activite_caf",
        "C:MEN",
        "%",
        "Foyers allocataires de la prime d'activité (Cnaf, décembre) pour 100 ménages du "
        f"recensement du même territoire ; {_FOYER}.",
    ),
    _Rate(
        "part_menages_aah",
        "foyers_aah_caf",
        "C:MEN",
        "%",
        "Foyers allocataires de l'AAH (Cnaf, décembre) pour 100 ménages du recensement du même "
        f"territoire ; {_FOYER}.",
    ),
    _Rate(
        "part_menages_aides_logement",
        "foyers_aides_logement_caf",
        "C:MEN",
        "%",
        "Foyers allocataires d'une aide au logement (APL, ALF, ALS ; Cnaf, décembre) pour 100 "
        f"ménages du recensement du même territoire ; {_FOYER}.",
    ),
    _Rate(
        "part_menages_bas_revenus",
        "foyers_bas_revenus_caf",
        "C:MEN",
        "%",
        "Foyers allocataires à bas revenus (Cnaf, décembre) pour 100 ménages du recensement du "
        f"même territoire ; {_FOYER}.",
    ),
    _Rate(
        "part_familles_monoparentales_asf",
        "foyers_asf_caf",
        "C:FAMMONO",
        "%",
        "Foyers allocataires de l'allocation de soutien familial (ASF, Cnaf, décembre) pour "
        "100 familles monoparentales du recensement du même territoire (toutes les familles "
        "monoparentales, enfants sans limite d'âge) ; ordre de grandeur seulement.",
    ),
)
"""Rates of :func:`rate_figures`, in output order."""


def _own_rows(table: pd.DataFrame, territory: ResolvedTerritory) -> tuple[pd.DataFrame, str]:
    level = LEVEL_FILES.get(territory.level)
    if level is None:
        return table.iloc[0:0], ""
    part = table[table["niveau"] == level]
    if level == "NAT":
        metropole = part["code"].str.lower().str.contains("metropol|métropol", regex=True)
        chosen = part[metropole] if territory.code == METROPOLE else part[~metropole]
        if chosen.empty:
            return chosen, (
                "non disponible : le fichier national de la Cnaf ne donne pas ce niveau "
                "(France entière ou France métropolitaine)"
            )
        return chosen, ""
    return part[part["code"] == territory.code], ""


def _commune_sum(
    table: pd.DataFrame, communes: Sequence[str], *, benefit: str, year: int
) -> tuple[dict[str, float], str]:
    part = table[
        (table["niveau"] == "COM") & (table["prestation"] == benefit) & (table["annee"] == year)
    ].set_index("code")
    missing = [c for c in communes if c not in part.index or pd.isna(part.at[c, "foyers"])]
    if part.empty:
        return {}, "non disponible : pas de fichier communal de la Cnaf pour cette prestation"
    if missing:
        return {}, (
            f"non disponible : {len(missing)} commune(s) sur {len(communes)} sans effectif "
            f"publié dans le fichier communal de la Cnaf en {year} (secret ou absente), dont "
            f"{', '.join(missing[:3])} ; la somme des communes serait fausse"
        )
    values = {}
    for column in ("foyers", "personnes"):
        series = part.loc[list(communes), column]
        values[column] = float(series.sum()) if series.notna().all() else math.nan
    return values, ""


def territory_counts(table: pd.DataFrame, territories: Sequence[ResolvedTerritory]) -> pd.DataFrame:
    """Counts of every territory, benefit and year, with how each was obtained.

    Returns
    -------
    pandas.DataFrame
        ``territoire``, ``prestation``, ``annee``, ``foyers``, ``personnes``, ``origine``
        (``fichier`` or ``somme``), ``arrondi`` (counts rounded to 5) and ``_note`` (why
        not available, else "").
    """
    rows: list[dict[str, object]] = []
    years = sorted({int(y) for y in table["annee"]})
    for territory in territories:
        own, refusal = _own_rows(table, territory)
        for benefit in BENEFITS:
            mine = own[own["prestation"] == benefit]
            for year in years:
                hit = mine[mine["annee"] == year]
                base = {"territoire": territory.id, "prestation": benefit, "annee": year}
                if not hit.empty:
                    first = hit.iloc[0]
                    rows.append(
                        base
                        | {
                            "foyers": float(first["foyers"]),
                            "personnes": float(first["personnes"]),
                            "origine": "fichier",
                            "arrondi": first["disposition"] == "cafdata",
                            "_note": "",
                        }
                    )
                    continue
                note = refusal
                values: dict[str, float] = {}
                if not note and territory.level is not Level.COMMUNE and territory.communes:
                    values, note = _commune_sum(
                        table, territory.communes, benefit=benefit, year=year
                    )
                elif not note:
                    note = f"non disponible : territoire absent des fichiers de la Cnaf en {year}"
                rounded = bool(
                    (
                        table[(table["niveau"] == "COM") & (table["annee"] == year)]["disposition"]
                        == "cafdata"
                    ).any()
                )
                rows.append(
                    base
                    | {
                        "foyers": values.get("foyers", math.nan),
                        "personnes": values.get("personnes", math.nan),
                        "origine": "somme" if values else "",
                        "arrondi": rounded,
                        "_note": note,
                    }
                )
    columns = ["territoire", "prestation", "annee", "foyers", "personnes", "origine", "arrondi"]
    return pd.DataFrame(rows, columns=[*columns, "_note"])


def _count_note(row: Mapping[str, object], column: str) -> str:
    note = str(row.get("_note") or "")
    value = row.get(column)
    if not note and (value is None or pd.isna(value)):
        note = "non disponible : effectif non publié par la Cnaf (secret statistique)"
    return note


def _source(row: Mapping[str, object]) -> str:
    year = int(row["annee"])  # type: ignore[call-overload]
    parts = [f"{SOURCE_LABEL}, décembre {year}"]
    if row.get("origine") == "somme":
        parts.append(SUM_NOTE)
    if row.get("arrondi"):
        parts.append("effectifs arrondis à 5")
    return " ; ".join(parts)


def count_figures(counts: pd.DataFrame) -> pd.DataFrame:
    """One figure per territory, year and count of :data:`COUNT_SERIES`."""
    result = []
    by_benefit = {b: g for b, g in counts.groupby("prestation", sort=False)}
    for spec in COUNT_SERIES:
        group = by_benefit.get(spec.benefit)
        if group is None:
            continue
        for row in group.to_dict("records"):
            note = _count_note(row, spec.column)
            result.append(
                figure(
                    str(row["territoire"]),
                    spec.ident,
                    int(row["annee"]),
                    None if note else float(row[spec.column]),
                    unite="foyers" if spec.column == "foyers" else "personnes",
                    source=_source(row),
                    definition=spec.definition,
                    note=note,
                )
            )
    return to_frame(result)


def _census_vintage(year: int, vintages: Sequence[int]) -> int | None:
    before = [v for v in vintages if v <= year]
    return max(before) if before else None


def rate_figures(
    counts: pd.DataFrame,
    *,
    totals: pd.DataFrame,
    vintages: Sequence[int],
    notes: Mapping[str, str],
) -> pd.DataFrame:
    """Rates of :data:`RATE_SERIES`: a count over a census denominator of the same territory.

    The denominator comes from the latest census vintage not after the CAF year (named
    in the source); a CAF year before every vintage has no rate.
    """
    count_specs = {c.ident: c for c in COUNT_SERIES}
    result = []
    for spec in RATE_SERIES:
        counted = count_specs[spec.count]
        group = counts[counts["prestation"] == counted.benefit]
        for row in group.to_dict("records"):
            territory, year = str(row["territoire"]), int(row["annee"])
            vintage = _census_vintage(year, vintages)
            kind, variable = spec.denominator.split(":")
            column = f"{kind}{(vintage or 0) % 100:02d}_{variable}"
            note = _count_note(row, counted.column)
            denominator = math.nan
            if not note and vintage is None:
                note = f"non disponible : aucun recensement avant {year} dans les données"
            elif not note and column not in totals.columns:
                note = f"non disponible : colonne {column} absente des bases du recensement"
            elif not note:
                denominator = float(totals.at[territory, column])
                if pd.isna(denominator):
                    note = notes.get(territory, "non disponible : dénominateur inconnu")
                elif denominator <= 0:
                    note = f"non disponible : dénominateur nul ({column})"
            value = None if note else 100.0 * float(row[counted.column]) / denominator
            exploitation: Literal["P", "C"] = "C" if kind == "C" else "P"
            result.append(
                figure(
                    territory,
                    spec.ident,
                    year,
                    value,
                    unite=spec.unit,
                    source=_source(row)
                    + (
                        f" ; dénominateur : {census_source(vintage, exploitation=exploitation)}"
                        if vintage
                        else ""
                    ),
                    definition=spec.definition,
                    note=note,
                )
            )
    return to_frame(result)


EVOLUTION_LABELS = {
    "foyers_allocataires_caf": "foyers allocataires",
    "foyers_rsa_caf": "foyers allocataires du RSA",
}


def evolution_figures(
    figures: pd.DataFrame,
    *,
    territories: Sequence[str],
    idents: Sequence[str] = ("foyers_allocataires_caf", "foyers_rsa_caf"),
) -> pd.DataFrame:
    """Change in % of a count between the first and the last year published.

    Annual data: no census gap rule; a small count (under 100 foyers) carries the
    rounding caution.
    """
    rows = []
    for ident in idents:
        part = figures[figures["indicateur"] == ident]
        years = sorted({int(y) for y in part["annee"]})
        if len(years) < 2:
            continue
        start, end = years[0], years[-1]
        values = {(r.territoire, int(r.annee)): r for r in part.itertuples()}
        for territory in territories:
            a, b = values.get((territory, start)), values.get((territory, end))
            ok = (
                a is not None
                and b is not None
                and bool(a.disponible)
                and bool(b.disponible)
                and float(a.valeur) > 0
            )
            reasons = [str(r.note) for r in (a, b) if r is not None and not r.disponible]
            note = (
                ""
                if ok
                else (
                    reasons[0]
                    if reasons and reasons[0]
                    else f"non disponible : effectif non publié en {start} ou en {end}"
                )
            )
            small = ok and min(float(a.valeur), float(b.valeur)) < 100  # type: ignore[union-attr]
            rows.append(
                figure(
                    territory,
                    f"{ident}_evolution",
                    f"{start}-{end}",
                    100.0 * (float(b.valeur) / float(a.valeur) - 1.0) if ok else None,  # type: ignore[union-attr]
                    unite="%",
                    source=f"{SOURCE_LABEL}, décembre {start} et décembre {end}",
                    definition="Évolution, en %, du nombre de "
                    f"{EVOLUTION_LABELS.get(ident, ident)} "
                    f"entre décembre {start} et décembre {end} (données annuelles de la Cnaf)"
                    + (f" ; {ROUNDING}" if small else "."),
                    note=note,
                )
            )
    return to_frame(rows)
