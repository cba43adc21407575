"""One label table per indicator, read from the indicator registry.

The registry (``src/ctgstats/data/indicateurs.yaml``) is the source of every
indicator's French label and unit (:data:`PORTRAIT_ONLY_LABELS` adds the portrait
figures the registry does not follow): the report tables (:mod:`ctgstats.present.display`),
the portrait and indicator views and the portal all read them from here. The shipped
registry is loaded once per process.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib import resources

import pandas as pd

from ctgstats.core.codes import Level
from ctgstats.core.territories import DEPARTEMENTS_TABLE, FRANCE_NAMES, METROPOLE
from ctgstats.data.registry import load_registry

__all__ = [
    "LABELS",
    "PORTRAIT_ONLY_LABELS",
    "indicator_label",
    "indicator_unit",
    "label_table",
    "of_name",
    "where_phrase",
]

#: "en Occitanie", "dans les Hauts-de-France": régions of the COG 2016 onwards.
REGION_PHRASES: dict[str, str] = {
    "01": "en Guadeloupe",
    "02": "en Martinique",
    "03": "en Guyane",
    "04": "à La Réunion",
    "06": "à Mayotte",
    "11": "en Île-de-France",
    "24": "en Centre-Val de Loire",
    "27": "en Bourgogne-Franche-Comté",
    "28": "en Normandie",
    "32": "dans les Hauts-de-France",
    "44": "dans le Grand Est",
    "52": "dans les Pays de la Loire",
    "53": "en Bretagne",
    "75": "en Nouvelle-Aquitaine",
    "76": "en Occitanie",
    "84": "en Auvergne-Rhône-Alpes",
    "93": "en Provence-Alpes-Côte d'Azur",
    "94": "en Corse",
}

# INSEE's TNCC (type of name: article) → preposition of "in <département>"
_TNCC_PREPOSITION = {"0": "à ", "1": "en ", "2": "dans le ", "3": "en ", "4": "dans les "}


@lru_cache(maxsize=1)
def _departements() -> dict[str, tuple[str, str]]:
    path = resources.files("ctgstats") / "data" / DEPARTEMENTS_TABLE
    frame = pd.read_csv(str(path), dtype=str, keep_default_na=False)
    return {row.DEP: (row.TNCC, row.LIBELLE) for row in frame.itertuples(index=False)}


def where_phrase(level: Level | str, code: str, name: str) -> str:
    """Phrase "in <territory>": "en Haute-Garonne", "dans le Gers", "en Occitanie".

    A comparator is always named (never "dans le département"); a code the COG tables do
    not know (the fictional demo) gives "pour <name>".
    """
    level = Level(level)
    if level is Level.FRANCE:
        return f"en {FRANCE_NAMES[METROPOLE] if code == METROPOLE else FRANCE_NAMES['FR']}"
    if level is Level.REGION and code in REGION_PHRASES:
        return REGION_PHRASES[code]
    if level is Level.DEPARTEMENT and code in _departements():
        tncc, libelle = _departements()[code]
        return _TNCC_PREPOSITION.get(tncc, "dans l'") + libelle
    if level is Level.EPCI:
        return f"dans l'intercommunalité ({name})"
    return f"pour {name}"


# INSEE's TNCC (type of name: article) → "of <département>" (the "charnière")
_TNCC_OF = {"0": "de ", "1": "d'", "2": "du ", "3": "de la ", "4": "des ", "5": "de l'"}
#: Names of groupings of communes that are feminine ("la communauté de communes …").
_FEMININE_PREFIXES = ("CC ", "CA ", "CU ", "Communauté ", "Métropole ", "Métropole-")
_ARTICLES = (("Le ", "du "), ("La ", "de la "), ("Les ", "des "), ("L'", "de l'"), ("L’", "de l'"))
_VOWELS = "AEIOUYÂÀÉÈÊËÎÏÔÖÛÜŒaeiouyâàéèêëîïôöûüœ"


def _departement_by_name(name: str) -> tuple[str, str] | None:
    for tncc, libelle in _departements().values():
        if libelle == name:
            return tncc, libelle
    return None


def of_name(name: str) -> str:
    """French "of <territory>" with its article: "de la CC du Haut-Val", "du Gers".

    Groupings of communes ("CC …", "Communauté …", "Métropole …") are feminine; a
    département takes the article of its INSEE TNCC ("de la Haute-Garonne", "de l'Ain");
    "France" and "France métropolitaine" take "de la"; a name starting with an article
    contracts it ("Le Mans" → "du Mans"); otherwise "d'" before a vowel, "de" before
    anything else (a name the tables do not know).
    """
    text = " ".join(str(name).split())
    if not text:
        return "de"
    if text.startswith(_FEMININE_PREFIXES) or text.startswith("France"):
        return f"de la {text}"
    known = _departement_by_name(text)
    if known is not None:
        return _TNCC_OF.get(known[0], "de ") + known[1]
    for article, contraction in _ARTICLES:
        if text.startswith(article):
            return contraction + text[len(article) :]
    if text[0] in _VOWELS:
        return f"d'{text}"
    return f"de {text}"


#: Labels of portrait figures that are not registry indicators. The registry is also the
#: list of indicators measured for the follow-up (T0 freeze, dashboard): adding these
#: figures there would change the baseline and follow-up tables, so they stay here, the
#: only other place a label is written. A registry entry always wins.
PORTRAIT_ONLY_LABELS: dict[str, str] = {
    "population_evolution": "Évolution de la population (habitants)",
    "population_evolution_pct": "Évolution de la population (%)",
    "part_moins_15": "Part des moins de 15 ans",
    "part_65_plus": "Part des 65 ans ou plus",
    "part_80_plus": "Part des 80 ans ou plus",
    "naissances": "Naissances",
    "deces": "Décès",
    "solde_naturel": "Solde naturel",
    "solde_migratoire_apparent": "Solde migratoire apparent",
    "taux_variation_solde_naturel": "Variation annuelle due au solde naturel",
    "taux_variation_solde_migratoire": "Variation annuelle due au solde migratoire apparent",
    "taille_moyenne_menages": "Taille moyenne des ménages (personnes)",
    "menages_une_personne": "Ménages d'une personne",
    "familles": "Familles",
    "menages_avec_enfants_evolution": "Évolution des ménages avec famille(s) avec enfant(s) "
    "(nombre)",
    "menages_avec_enfants_evolution_pct": "Évolution des ménages avec famille(s) avec "
    "enfant(s) (%)",
    "menages_couple_avec_enfants": "Ménages dont la famille principale est un couple avec "
    "enfant(s)",
    "part_menages_couple_avec_enfants": "Part des ménages dont la famille principale est un "
    "couple avec enfant(s)",
    "menages_monoparentaux": "Ménages dont la famille principale est monoparentale",
    "part_menages_monoparentaux": "Part des ménages dont la famille principale est monoparentale",
    "familles_avec_enfants_evolution": "Évolution des familles avec enfant(s) (nombre)",
    "familles_avec_enfants_evolution_pct": "Évolution des familles avec enfant(s) (%)",
    "familles_monoparentales": "Familles monoparentales",
    "part_familles_nombreuses": "Part des familles nombreuses",
    "couples_avec_enfants": "Couples avec enfant(s)",
    "couples_sans_enfant": "Couples sans enfant",
    "part_couples_sans_enfant": "Part des couples sans enfant",
    "revenu_d1_uc": "1er décile du revenu disponible par unité de consommation",
    "revenu_d9_uc": "9e décile du revenu disponible par unité de consommation",
    "rapport_interdecile": "Rapport interdécile (D9/D1)",
    "menages_fiscaux": "Ménages fiscaux",
    "part_prestations_sociales": "Part des prestations sociales dans le revenu disponible",
    # emploi, formation et jeunesse : évolutions en points
    "taux_activite_15_64_evolution": "Évolution du taux d'activité des 15-64 ans (points)",
    "taux_emploi_15_64_evolution": "Évolution du taux d'emploi des 15-64 ans (points)",
    "taux_chomage_15_64_evolution": "Évolution du taux de chômage des 15-64 ans, au sens du "
    "recensement (points)",
    "taux_scolarisation_18_24_evolution": "Évolution du taux de scolarisation des 18-24 ans "
    "(points)",
    "part_diplome_max_bepc_15p_evolution": "Évolution de la part des sans diplôme ou au plus "
    "le BEPC (points)",
    "part_diplomes_superieur_15p_evolution": "Évolution de la part des diplômés du supérieur "
    "(points)",
    "part_actifs_travaillant_hors_commune_evolution": "Évolution de la part des actifs "
    "travaillant hors de leur commune (points)",
    "part_actifs_voiture_evolution": "Évolution de la part des actifs allant travailler en "
    "voiture (points)",
}


@lru_cache(maxsize=1)
def label_table() -> dict[str, tuple[str, str]]:
    """Indicator id → (French label, unit or ""), registry first (loaded once, cached)."""
    table = {key: (label, "") for key, label in PORTRAIT_ONLY_LABELS.items()}
    table.update({i.id: (i.label, i.unit) for i in load_registry().indicators})
    return table


def indicator_label(indicator: str) -> str:
    """French label of an indicator id; an unknown id is made readable, never dropped."""
    entry = label_table().get(indicator)
    if entry is not None:
        return entry[0]
    text = indicator.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def indicator_unit(indicator: str) -> str | None:
    """Unit of an indicator id from the registry, None when the registry lacks it."""
    entry = label_table().get(indicator)
    return entry[1] if entry is not None and entry[1] else None


class _Labels(Mapping[str, str]):
    """Read-only mapping id → label over :func:`label_table` (loaded on first use)."""

    def __getitem__(self, key: str) -> str:
        return label_table()[key][0]

    def __iter__(self) -> Iterator[str]:
        return iter(label_table())

    def __len__(self) -> int:
        return len(label_table())


#: Indicator id → French label, from the registry.
LABELS: Mapping[str, str] = _Labels()
