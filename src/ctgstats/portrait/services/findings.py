"""Findings (constats) of the services chapter, in the diagnostic's words."""

from __future__ import annotations

import math
import re

import pandas as pd

from ctgstats.portrait.findings import FINDING_COLUMNS
from ctgstats.portrait.model import Portrait
from ctgstats.portrait.services.chapter import indicator_id
from ctgstats.portrait.services.read import Service, load_catalogue
from ctgstats.present.formatting import fr_int, fr_number, fr_percent

__all__ = ["THEME", "chapter_findings", "sentences", "synthesis"]

THEME = "Services"


def _latest(portrait: Portrait, indicator: str) -> tuple[str, float, str] | None:
    figures = portrait.figures
    rows = figures[
        (figures["indicateur"] == indicator)
        & (figures["territoire"] == portrait.territory.id)
        & figures["disponible"]
    ]
    if rows.empty:
        return None
    row = rows.loc[rows["annee"].astype(str).astype(int).idxmax()]
    return str(row["annee"]), float(row["valeur"]), str(row["note"])


def _without(service: Service) -> str:
    """« de médecin généraliste », « d'école maternelle ou primaire »."""
    label = service.label.split(" (")[0]
    if not label.startswith("France"):
        label = label[:1].lower() + label[1:]
    return f"d'{label}" if label[:1].lower() in "aeiouéèêh" else f"de {label}"


def _distance(portrait: Portrait, service: Service) -> str:
    latest = _latest(portrait, indicator_id("distance", service.id))
    if latest is None:
        return ""
    return (
        f" ; le plus proche est en moyenne à {fr_number(latest[1], 1)} km à vol d'oiseau "
        f"(BPE géolocalisée {latest[0]})"
    )


def sentence(portrait: Portrait, service: Service) -> tuple[str, str, str] | None:
    """The finding of one service: (sentence, year, caution), or None without figures."""
    with_it = _latest(portrait, indicator_id("communes_avec", service.id))
    share = _latest(portrait, indicator_id("part_pop_sans", service.id))
    members = len(portrait.territory.communes or ())
    if with_it is None or not members:
        return None
    year, equipped, note = with_it
    lacking = members - int(round(equipped))
    if lacking <= 0:
        text = f"Les {fr_int(members)} communes ont au moins un équipement « {service.short} »"
    elif lacking == members:
        text = f"Aucune des {fr_int(members)} communes n'a {_without(service)}"
    else:
        where = (
            f", où vivent {fr_percent(share[1])} des habitants,"
            if share is not None and not math.isnan(share[1])
            else ""
        )
        verb = "n'a" if lacking == 1 else "n'ont"
        text = (
            f"{fr_int(lacking)} commune{'s' if lacking > 1 else ''} sur {fr_int(members)}"
            f"{where} {verb} pas {_without(service)}"
        )
    text += f" (BPE {year}){_distance(portrait, service) if lacking > 0 else ''}."
    return text, year, note


def chapter_findings(portrait: Portrait) -> pd.DataFrame:
    """The chapter's findings (:data:`ctgstats.portrait.findings.FINDING_COLUMNS`)."""
    rows = []
    for service in load_catalogue().services:
        found = sentence(portrait, service)
        if found is None:
            continue
        text, year, note = found
        rows.append(
            {
                "theme": THEME,
                "constat": text,
                "indicateurs": indicator_id("part_pop_sans", service.id),
                "annee": year,
                "prudence": "la BPE compte des équipements, pas leur capacité ; un service "
                "peut être proche dans une commune voisine" + (f" ; {note}" if note else ""),
            }
        )
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " ni " + parts[-1]


def sentences(portrait: Portrait) -> list[str]:
    """The findings for the chapter's page, in a compact form.

    The year is in the page's header; the services no commune has (or every commune has)
    are grouped in one sentence.
    """
    members = len(portrait.territory.communes or ())
    partial, none, every = [], [], []
    for service in load_catalogue().services:
        with_it = _latest(portrait, indicator_id("communes_avec", service.id))
        if with_it is None or not members:
            continue
        lacking = members - int(round(with_it[1]))
        if lacking <= 0:
            every.append(service.short)
        elif lacking == members:
            none.append(_without(service))
        else:
            found = sentence(portrait, service)
            if found is not None:
                partial.append(re.sub(r" \(BPE \d{4}\)", "", found[0]))
    result = partial
    if none:
        result.append(f"Aucune des {fr_int(members)} communes n'a {_join(none)}.")
    if every:
        result.append(
            f"Les {fr_int(members)} communes ont toutes au moins un équipement : "
            f"{', '.join(every)}."
        )
    return result


def synthesis(*, portrait: Portrait | None = None, **_: object) -> list[str]:
    """Contribution to the one-page synthesis: the general practitioner, then France services."""
    if portrait is None:
        return []
    catalogue = load_catalogue()
    chosen = []
    for ident in ("medecin_generaliste", "france_services"):
        found = sentence(portrait, catalogue.get(ident))
        if found is not None:
            chosen.append(found[0])
    return chosen
