"""The services chapter as a portrait chapter: figures, commune table and cautions.

Figures of every territory for each BPE vintage found whose codes the catalogue knows:
number of equipments, communes with at least one, share of the population living in a
commune without the service, density per 10 000 inhabitants (common equipment only), and,
from the geolocated file, the population-weighted mean straight-line distance from the
communes to the nearest equipment. Population: the municipal population of the latest
census vintage of the portrait (``P{yy}_POP``), the same territory's communes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from ctgstats.core.figures import figure, to_frame
from ctgstats.core.territories import ResolvedTerritory, harmonise
from ctgstats.data import contours
from ctgstats.portrait.chapters import ChapterContext, ChapterResult
from ctgstats.portrait.services import compute, read
from ctgstats.portrait.services.read import Catalogue, Service
from ctgstats.present.formatting import fr_int

__all__ = [
    "CHAPTER_ID",
    "COMMUNES_TABLE",
    "POINTS_TABLE",
    "KINDS",
    "compute_chapter",
    "indicator_id",
]

CHAPTER_ID = "services"
COMMUNES_TABLE = "services_communes"
POINTS_TABLE = "services_equipements"
"""Geolocated equipment of the key services in the territory's communes (maps)."""
"""Stem of the commune table (``tables/services_communes.csv``)."""

KINDS = ("nombre", "communes_avec", "part_pop_sans", "densite", "distance")
"""Indicator kinds of each service (``densite`` only for the services flagged ``densite``)."""

UNITS = {
    "nombre": "équipements",
    "communes_avec": "communes",
    "part_pop_sans": "%",
    "densite": "pour 10 000 habitants",
    "distance": "km",
}

NO_COUNTS = (
    "non disponible : aucun fichier de la base permanente des équipements (BPE, Insee : "
    "bpeYY_ensemble ou DS_BPE_YYYY_data) dans les données"
)
NO_POINTS = (
    "non disponible : aucun fichier géolocalisé de la BPE (bpeYY_ensemble_xy ou BPEYYYY) "
    "dans les données"
)
NO_CONTOURS = (
    "non disponible : pas de point de référence des communes (contours communaux absents "
    "des données)"
)
STRAIGHT = "distance à vol d'oiseau (en ligne droite, sans réseau routier)"


def indicator_id(kind: str, service: str) -> str:
    """Figure id of a kind and a service: ``part_pop_sans_pharmacie``."""
    return f"{kind}_{service}"


def _source(vintage: int, *, points: bool = False, census: int | None = None) -> str:
    base = f"Insee, base permanente des équipements (BPE) {vintage}"
    base = f"{base}, équipements géolocalisés" if points else base
    return f"{base} ; Insee, recensement {census} (population municipale)" if census else base


def _definition(kind: str, service: Service) -> str:
    what = service.label.lower() if not service.label.startswith("France") else service.label
    return {
        "nombre": f"Nombre d'équipements « {service.label} » recensés par la BPE au 1er "
        "janvier (des équipements, pas leur capacité)",
        "communes_avec": f"Nombre de communes ayant au moins un équipement « {service.label} »",
        "part_pop_sans": "Part de la population municipale vivant dans une commune sans "
        f"équipement « {service.label} » (somme des populations de ces communes sur la "
        "population du territoire)",
        "densite": f"Équipements « {service.label} » pour 10 000 habitants (population "
        "municipale du recensement)",
        "distance": "Distance moyenne, pondérée par la population des communes, du point de "
        f"référence de chaque commune à l'équipement « {what} » le plus proche ; {STRAIGHT}",
    }[kind]


def _row(
    territory: ResolvedTerritory,
    kind: str,
    service: Service,
    year: int,
    value: float | None,
    note: str,
    census: int | None = None,
) -> dict[str, object]:
    return figure(
        territory.id,
        indicator_id(kind, service.id),
        year,
        None if value is None or (isinstance(value, float) and math.isnan(value)) else value,
        unite=UNITS[kind],
        source=_source(year, points=kind == "distance", census=census),
        definition=_definition(kind, service),
        note=note,
    )


def _kinds(service: Service) -> tuple[str, ...]:
    return tuple(k for k in KINDS if k != "densite" or service.density)


def _caution(catalogue: Catalogue, service: Service, vintage: int) -> str:
    """The caution of an available figure: only when its BPE code is not confirmed."""
    name = catalogue.nomenclature(vintage)
    if name and catalogue.codes(service, vintage) and not service.confirmed.get(name, False):
        return (
            f"code BPE non confirmé sur la documentation de l'Insee du millésime "
            f"({_code_note(catalogue, service, vintage)})"
        )
    return ""


def _code_note(catalogue: Catalogue, service: Service, vintage: int) -> str:
    name = catalogue.nomenclature(vintage)
    codes = catalogue.codes(service, vintage)
    text = f"codes BPE {vintage} : {', '.join(codes)}" if codes else ""
    if name and service.notes.get(name):
        text = f"{text} ({service.notes[name]})" if text else service.notes[name]
    if name and codes and not service.confirmed.get(name, False):
        text += " ; code non confirmé sur la documentation de l'Insee du millésime"
    return text


# --------------------------------------------------------------------------- counts


def _population(context: ChapterContext) -> tuple[pd.Series, int | None]:
    """Municipal population of every commune at the latest census vintage."""
    if not context.vintages:
        return pd.Series(dtype="float64"), None
    year = max(context.vintages)
    column = f"P{year % 100:02d}_POP"
    if column not in context.communes.columns:
        return pd.Series(dtype="float64"), None
    return context.communes[column].astype("float64"), year


def commune_counts(
    context: ChapterContext, counts: pd.DataFrame, catalogue: Catalogue, vintage: int
) -> tuple[pd.DataFrame, list[str]]:
    """Counts of every service by commune of the report's geography, and cautions.

    Codes are harmonised from the geography of 1 January of the vintage to the COG year
    (merged communes summed). A commune of a département absent from the file has NaN
    (unknown), never 0.
    """
    rows = counts[counts["millesime"] == vintage]
    codes = {s.id: catalogue.codes(s, vintage) for s in catalogue.services}
    by_file = compute.service_counts(rows, codes, communes=sorted(set(rows["code"])))
    composition = context.composition.table
    targets = list(composition["commune"])
    population, _ = _population(context)
    wanted = [s for s, c in codes.items() if c]
    harmonised, _records, unknown = harmonise(
        by_file[wanted],
        target_codes=targets,
        movements=context.catalog.load_movements(),
        cog_year=context.cog_year,
        source=f"BPE {vintage}",
        departements=set(composition["departement"]),
        source_year=vintage,
        weights=population.to_dict(),
    )
    table = harmonised.reindex(targets).fillna(0.0)
    covered = {str(c)[:3] if str(c).startswith("97") else str(c)[:2] for c in rows["code"]}
    departement = composition.set_index("commune")["departement"]
    outside = [c for c in targets if str(departement.get(c, "")) not in covered]
    table.loc[outside, :] = math.nan
    for service, wanted_codes in codes.items():
        if not wanted_codes:
            table[service] = math.nan
    points: list[str] = []
    if unknown:
        points.append(
            f"BPE {vintage} : {fr_int(len(unknown))} code(s) commune inconnu(s) du COG "
            f"{context.cog_year} ignoré(s) ({', '.join(sorted(unknown)[:5])})."
        )
    return table[[s.id for s in catalogue.services]], points


def _member_note(context: ChapterContext, territory: ResolvedTerritory) -> str:
    reason = context.notes.get(territory.id) or territory.note
    if reason:
        return reason if reason.startswith("non disponible") else f"non disponible : {reason}"
    return (
        "non disponible : la composition communale de ce territoire n'est pas dans les "
        "données (la BPE est sommée sur les communes)"
    )


def count_figures(
    context: ChapterContext,
    table: pd.DataFrame,
    catalogue: Catalogue,
    vintage: int,
) -> list[dict[str, object]]:
    """Counts, communes equipped, share without and densities of every territory."""
    population, census = _population(context)
    rows: list[dict[str, object]] = []
    for territory in context.territories:
        members = list(territory.communes or ())
        for service in catalogue.services:
            kinds = [k for k in _kinds(service) if k != "distance"]
            codes = catalogue.codes(service, vintage)
            note = _code_note(catalogue, service, vintage)
            if not codes:
                reason = f"non disponible : service absent de la nomenclature de la BPE {vintage}"
                reason += f" ({note})" if note else ""
                rows += [_row(territory, k, service, vintage, None, reason) for k in kinds]
                continue
            if not members:
                reason = _member_note(context, territory)
                rows += [_row(territory, k, service, vintage, None, reason) for k in kinds]
                continue
            counts = table[service.id].reindex(members)
            pop = population.reindex(members)
            if counts.isna().any():
                reason = (
                    f"non disponible : {fr_int(int(counts.isna().sum()))} commune(s) d'un "
                    "département absent du fichier BPE"
                )
                rows += [_row(territory, k, service, vintage, None, reason) for k in kinds]
                continue
            total = float(counts.sum())
            values = {
                "nombre": total,
                "communes_avec": float((counts > 0).sum()),
                "part_pop_sans": compute.share_without(counts, pop),
                "densite": compute.density(
                    total, float(pop.sum()) if pop.notna().all() else math.nan
                ),
            }
            caution = _caution(catalogue, service, vintage)
            for kind in kinds:
                value = values[kind]
                text, year = caution, None
                if kind in ("part_pop_sans", "densite"):
                    year = census
                    if math.isnan(value):
                        text = "non disponible : population du recensement absente"
                rows.append(_row(territory, kind, service, vintage, value, text, census=year))
    return rows


# --------------------------------------------------------------------------- distances


def commune_distances(
    reference: pd.DataFrame, points: pd.DataFrame, catalogue: Catalogue, vintage: int
) -> pd.DataFrame:
    """Distance (km) of every commune to the nearest equipment of each service.

    Overseas communes (codes ``97…``) get NaN: their equipments are in local UTM
    projections, left out of the Lambert-93 points.
    """
    index = pd.Index([str(c) for c in reference["code"]], name="code")
    table = pd.DataFrame(index=index)
    for service in catalogue.services:
        codes = catalogue.codes(service, vintage)
        if not codes:
            table[service.id] = math.nan
            continue
        equipment = points[points["typequ"].isin(list(codes))]
        table[service.id] = compute.nearest_distances(reference, equipment) / 1000.0
    overseas = [c for c in table.index if str(c).startswith("97")]
    table.loc[overseas, :] = math.nan  # local UTM projections: never mixed with Lambert 93
    return table


def distance_figures(
    context: ChapterContext,
    distances: pd.DataFrame | None,
    catalogue: Catalogue,
    vintage: int,
    reason: str,
) -> list[dict[str, object]]:
    """Population-weighted mean distance of every territory (or "non disponible")."""
    population, census = _population(context)
    rows: list[dict[str, object]] = []
    for territory in context.territories:
        members = list(territory.communes or ())
        for service in catalogue.services:
            codes = catalogue.codes(service, vintage)
            if distances is None:
                rows.append(_row(territory, "distance", service, vintage, None, reason))
                continue
            if not codes:
                note = f"non disponible : service absent de la nomenclature de la BPE {vintage}"
                rows.append(_row(territory, "distance", service, vintage, None, note))
                continue
            if not members:
                note = _member_note(context, territory)
                rows.append(_row(territory, "distance", service, vintage, None, note))
                continue
            values = distances[service.id].reindex(members)
            missing = int(values.isna().sum())
            if missing:
                note = (
                    f"non disponible : {fr_int(missing)} commune(s) sans point de référence "
                    "ou aucun équipement géolocalisé"
                )
                rows.append(_row(territory, "distance", service, vintage, None, note))
                continue
            value = compute.weighted_mean(values, population.reindex(members))
            note = _caution(catalogue, service, vintage)
            rows.append(_row(territory, "distance", service, vintage, value, note, census=census))
    return rows


# --------------------------------------------------------------------------- chapter


def _vintages(counts: pd.DataFrame | None, catalogue: Catalogue) -> tuple[list[int], list[int]]:
    found = sorted({int(v) for v in counts["millesime"]}) if counts is not None else []
    return [v for v in found if catalogue.nomenclature(v)], [
        v for v in found if not catalogue.nomenclature(v)
    ]


def communes_table(
    context: ChapterContext,
    catalogue: Catalogue,
    counts: pd.DataFrame | None,
    distances: pd.DataFrame | None,
) -> pd.DataFrame:
    """Counts and distances by commune of the territory (sorted by name, never ranked)."""
    members = list(context.territory.communes or ())
    names = context.composition.table.set_index("commune")["nom_commune"]
    population, _ = _population(context)
    frame = pd.DataFrame(
        {
            "code": members,
            "commune": [str(names.get(c, c)) for c in members],
            "population": list(population.reindex(members)),
        }
    )
    for service in catalogue.services:
        frame[f"nombre_{service.id}"] = (
            list(counts[service.id].reindex(members)) if counts is not None else math.nan
        )
        frame[f"distance_km_{service.id}"] = (
            list(distances[service.id].reindex(members)) if distances is not None else math.nan
        )
    return frame.sort_values("commune", kind="stable").reset_index(drop=True)


def cautions(
    catalogue: Catalogue, vintages: Sequence[int], unknown: Sequence[int], distance_note: str
) -> list[str]:
    """The chapter's points de vigilance (rule 22)."""
    points = [
        "Équipements et services : la base permanente des équipements (BPE, Insee) compte "
        "des équipements au 1er janvier, pas leur capacité (places, horaires, médecins qui "
        "acceptent de nouveaux patients) : deux communes avec une pharmacie peuvent avoir "
        "une offre très différente.",
        "Une commune sans un service peut en avoir un tout proche dans une commune voisine, "
        "y compris hors du territoire : la part de la population sans le service se lit "
        "avec la distance au plus proche.",
        "Distances : " + STRAIGHT + ", du point de référence de chaque commune (un point de "
        "son territoire, pas chaque logement) à l'équipement géolocalisé le plus proche, "
        "tous territoires confondus ; les temps de trajet réels sont plus longs en montagne. "
        + distance_note,
        "Densités pour 10 000 habitants données pour les équipements courants seulement "
        "(médecin généraliste, pharmacie, supérette ou épicerie) : pour une école, un "
        "collège ou une France services, la présence et la distance disent davantage.",
        "Les codes des types d'équipement changent d'un millésime de la BPE à l'autre "
        "(refonte de la nomenclature) : une table de codes par millésime est utilisée "
        f"({', '.join(str(v) for v in vintages) or 'aucun millésime'}) et les nombres de deux "
        "nomenclatures ne se comparent qu'avec prudence.",
    ]
    if unknown:
        points.append(
            f"BPE {', '.join(str(v) for v in unknown)} : millésime(s) dont les codes ne sont "
            "pas dans le catalogue des services (services.yaml) : non exploité(s)."
        )
    unconfirmed = sorted(
        {
            s.short
            for s in catalogue.services
            for n, ok in s.confirmed.items()
            if not ok and s.codes.get(n)
        }
    )
    if unconfirmed:
        points.append(
            "Codes non confirmés sur la documentation de l'Insee pour certains millésimes : "
            f"{', '.join(unconfirmed)} (voir la note de chaque chiffre)."
        )
    return points


def _reference(context: ChapterContext) -> pd.DataFrame | None:
    communes = sorted({c for t in context.territories for c in (t.communes or ())})
    return contours.commune_points(context.catalog, cog_year=context.cog_year, communes=communes)


def compute_chapter(context: ChapterContext) -> ChapterResult:
    """Service figures of every territory, the commune table and the cautions."""
    catalogue = read.load_catalogue()
    counts = read.read_counts(context.catalog)
    vintages, unknown = _vintages(counts, catalogue)
    fallback = max(vintages) if vintages else context.cog_year - 1
    rows: list[dict[str, object]] = []
    extra: list[str] = []
    last_counts: pd.DataFrame | None = None
    if counts is None or not vintages:
        reason = (
            NO_COUNTS
            if counts is None
            else (
                "non disponible : millésime(s) de la BPE sans table de codes dans le catalogue "
                f"des services ({', '.join(str(v) for v in unknown)})"
            )
        )
        for territory in context.territories:
            for service in catalogue.services:
                for kind in [k for k in _kinds(service) if k != "distance"]:
                    rows.append(_row(territory, kind, service, fallback, None, reason))
    for vintage in vintages:
        table, points = commune_counts(context, counts, catalogue, vintage)
        extra += points
        rows += count_figures(context, table, catalogue, vintage)
        last_counts = table
    distances, point_vintage, distance_note = _distances(context, catalogue, fallback)
    equipment = territory_points(context, catalogue)
    reason = distance_note if distances is None else ""
    rows += distance_figures(context, distances, catalogue, point_vintage, reason)
    summary = (
        f"Distances calculées à partir de {distance_note}."
        if distances is not None
        else f"Distances {distance_note.replace('non disponible :', ': non disponibles,', 1)}."
    )
    return ChapterResult(
        figures=to_frame(rows),
        tables={
            COMMUNES_TABLE: communes_table(context, catalogue, last_counts, distances),
            **({POINTS_TABLE: equipment} if equipment is not None else {}),
        },
        vigilance=[*cautions(catalogue, vintages, unknown, summary), *extra],
    )


def _distances(
    context: ChapterContext, catalogue: Catalogue, fallback: int
) -> tuple[pd.DataFrame | None, int, str]:
    """Commune distances of the newest points file, its vintage, and what was used."""
    points = read.read_points(context.catalog)
    if points is None:
        return None, fallback, NO_POINTS
    vintage = int(points.attrs["millesime"])
    if not catalogue.nomenclature(vintage):
        return (
            None,
            vintage,
            (
                f"non disponible : BPE géolocalisée {vintage} sans table de codes dans le "
                "catalogue des services"
            ),
        )
    reference = _reference(context)
    if reference is None:
        return None, vintage, NO_CONTOURS
    table = commune_distances(reference, points, catalogue, vintage)
    left = int(points.attrs.get("ecartes", 0))
    used = (
        f"la BPE géolocalisée {vintage} ({points.attrs['fichier']}, "
        f"{fr_int(len(points))} équipements en Lambert 93"
        + (f", {fr_int(left)} non géolocalisés ou hors métropole écartés" if left else "")
        + ")"
    )
    return table, vintage, used


def territory_points(context: ChapterContext, catalogue: Catalogue) -> pd.DataFrame | None:
    """Equipment of every key service located in the territory's communes.

    Columns ``service``, ``typequ``, ``code`` (commune), ``x``, ``y`` (Lambert 93) and
    ``millesime``; None without a points file.
    """
    points = read.read_points(context.catalog)
    if points is None:
        return None
    vintage = int(points.attrs["millesime"])
    mine = points[points["code"].isin(set(context.territory.communes or ()))]
    parts = []
    for service in catalogue.services:
        codes = set(catalogue.codes(service, vintage))
        part = mine[mine["typequ"].isin(codes)]
        parts.append(part.assign(service=service.id)[["service", "typequ", "code", "x", "y"]])
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return table.assign(millesime=vintage)


def all_indicator_ids(catalogue: Catalogue) -> list[str]:
    """Every figure id of the chapter, service by service."""
    return [indicator_id(k, s.id) for s in catalogue.services for k in _kinds(s)]


def service_names(catalogue: Catalogue) -> Mapping[str, str]:
    """Service id → short French label."""
    return {s.id: s.short for s in catalogue.services}
