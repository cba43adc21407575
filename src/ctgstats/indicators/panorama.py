"""Panorama of poverty: the analyst's profiles and aggravating factors next to ctgstats' proxies.

The « panoramas territoriaux de la pauvreté » of INSEE and the DIPLP (Délégation
interministérielle à la prévention et à la lutte contre la pauvreté) describe, for each
EPCI, who the poor are (*profils*: retirees, workers, under-30s out of work, owners,
private and social tenants out of work) and what makes poverty harder (*facteurs
aggravants*: mobility, energy, childcare, training). ctgstats does not compute them: an
analyst supplies them as local indicators in the user-table template
(:mod:`ctgstats.indicators.usertables`; ids ``profil_pauvrete_*`` and
``facteur_aggravant_*`` of the chapter registry), and :func:`panorama` shows them with the
proxies ctgstats computes from public files (households without a car, no diploma, NEET,
early-childhood coverage), each under its own label and source: a proxy is never presented
as the panorama's figure.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import HTML

from ctgstats.core.files import resolve_path
from ctgstats.data.registry import load_registry
from ctgstats.indicators.measures import user_table_measures
from ctgstats.present.display import format_value
from ctgstats.present.labels import indicator_label, indicator_unit

__all__ = ["GROUPS", "panorama", "panorama_rows"]

GROUPS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "Profils de pauvreté",
        (
            "profil_pauvrete_retraites",
            "profil_pauvrete_travailleurs",
            "profil_pauvrete_moins_30_sans_emploi",
            "profil_pauvrete_proprietaires",
            "profil_pauvrete_locataires_prive_sans_emploi",
            "profil_pauvrete_locataires_social_sans_emploi",
        ),
        (),
    ),
    (
        "Facteur aggravant : mobilité",
        ("facteur_aggravant_mobilite",),
        ("part_menages_sans_voiture",),
    ),
    ("Facteur aggravant : énergie", ("facteur_aggravant_energie",), ()),
    (
        "Facteur aggravant : garde des jeunes enfants",
        ("facteur_aggravant_garde_enfants",),
        ("taux_couverture_accueil_jeune_enfant",),
    ),
    (
        "Facteur aggravant : formation",
        ("facteur_aggravant_formation",),
        ("part_sans_diplome_15p", "part_neet_15_24"),
    ),
)
"""(group label, the analyst's indicator ids, ctgstats' proxy figure ids)."""

LOCAL = "panorama (données locales)"
PROXY = "indicateur approché"
NOT_SUPPLIED = "non fourni"


def _local(portrait) -> pd.DataFrame:
    spec = portrait.params.indicators
    registry = load_registry(*[resolve_path(p) for p in spec.registry])
    paths = [Path(resolve_path(p)) for p in spec.user_tables]
    rows = user_table_measures(registry, paths, portrait.territories)
    columns = ["indicateur", "territoire", "annee", "valeur", "source"]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return frame[columns]


def _latest(frame: pd.DataFrame, ident: str) -> tuple[str, dict[str, float], str]:
    """(year, territory id → value, source) of the latest year of ``ident``."""
    rows = frame[(frame["indicateur"] == ident)]
    if "disponible" in rows.columns:
        rows = rows[rows["disponible"]]
    rows = rows[~rows["annee"].astype(str).str.contains("-")]
    if rows.empty:
        return "", {}, ""
    year = str(max(rows["annee"].astype(str), key=int))
    chosen = rows[rows["annee"].astype(str) == year]
    values = {str(r.territoire): float(r.valeur) for r in chosen.itertuples()}
    return year, values, str(chosen["source"].iloc[0])


def panorama_rows(portrait, local: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per indicator of :data:`GROUPS`: group, kind, label, year, values, source.

    Columns ``groupe``, ``nature`` (local or proxy), ``indicateur``, ``annee``,
    ``source`` and one column per territory id (NaN when not supplied or not available).
    """
    local = _local(portrait) if local is None else local
    ids = [t.id for t in portrait.territories]
    rows = []
    for group, analyst, proxies in GROUPS:
        for ident, nature, frame in (
            *((i, LOCAL, local) for i in analyst),
            *((i, PROXY, portrait.figures) for i in proxies),
        ):
            year, values, source = _latest(frame, ident)
            rows.append(
                {
                    "groupe": group,
                    "nature": nature,
                    "indicateur": ident,
                    "annee": year,
                    "source": source,
                    **{t: values.get(t, float("nan")) for t in ids},
                }
            )
    return pd.DataFrame(rows)


def panorama(portrait) -> HTML:
    """The panorama table: the analyst's figures, then ctgstats' proxies, by group."""
    table = panorama_rows(portrait)
    supplied = int(((table["nature"] == LOCAL) & (table["annee"] != "")).sum())
    if not supplied:  # nothing from the analyst: the proxies only, and one sentence
        table = table[table["nature"] == PROXY].reset_index(drop=True)
    labels = portrait.labels
    shown = pd.DataFrame(
        {
            "Indicateur": [
                f"{indicator_label(i)} ({n})" if n == PROXY else indicator_label(i)
                for i, n in zip(table["indicateur"], table["nature"], strict=True)
            ],
            "Année": table["annee"].replace("", "–"),
            **{
                labels[t]: [
                    format_value(v, indicator_unit(i) or "", indicateur=i)
                    if pd.notna(v)
                    else (NOT_SUPPLIED if n == LOCAL else "n.d.")
                    for v, i, n in zip(table[t], table["indicateur"], table["nature"], strict=True)
                ]
                for t in labels
            },
        }
    )
    note = (
        "<p class='ctg-note'>Les profils de pauvreté et les facteurs aggravants sont ceux du "
        "panorama territorial de la pauvreté de l'Insee et de la DIPLP, fournis par "
        "l'analyste dans la table des données locales ; les indicateurs approchés sont "
        "calculés par ctgstats à partir des fichiers publics (recensement, Observatoire des "
        "territoires, Cnaf) et ne mesurent pas la même chose : ils sont signalés comme tels."
        + (
            f" Indicateurs du panorama fournis : {supplied}."
            if supplied
            else " Aucun indicateur du panorama n'a été fourni : seuls les indicateurs "
            "approchés sont affichés."
        )
        + "</p>"
    )
    return HTML(shown.to_html(index=False, escape=True, classes="ctg-table") + note)
