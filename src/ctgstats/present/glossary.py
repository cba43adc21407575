"""The glossaries readers see.

* :func:`readable_glossary`: French headers of the indicator glossary (the registry's
  methodology appendix);
* :data:`JARGON`: the few words of the trade that must stay in reader text (« COG »,
  « exploitation principale », « exploitation complémentaire », « UC »), explained once in
  the glossary of the territory's home page (:func:`jargon_glossary_html`); every page links
  the first occurrence of each to it (:func:`link_jargon`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

import pandas as pd
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

#: Registry glossary column → header read in reports.
GLOSSARY_HEADERS = {
    "libelle": "Indicateur",
    "definition": "Définition",
    "unite": "Unité",
    "source": "Source",
    "frequence": "Fréquence",
    "exploitation": "Exploitation du recensement",
    "ecart_minimal": "Écart minimal comparable",
    "polarite": "Sens souhaité",
    "themes": "Thèmes",
}


def readable_glossary(table: pd.DataFrame) -> pd.DataFrame:
    """The registry glossary without its ids, with French headers.

    Parameters
    ----------
    table
        ``Registry.glossary()`` rows (column ``indicateur`` holds the ids).

    Returns
    -------
    pandas.DataFrame
        The same rows, without ``indicateur``, columns renamed by :data:`GLOSSARY_HEADERS`.
    """
    shown = table.drop(columns=["indicateur"], errors="ignore")
    return shown.rename(columns={c: GLOSSARY_HEADERS.get(c, c) for c in shown.columns})


# --------------------------------------------------------------------------------------
# Words of the trade explained to readers
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word of the trade that stays in reader text, explained once in the glossary.

    Attributes
    ----------
    anchor
        Id of its entry in the glossary (``glossaire-cog``).
    term
        The word as the glossary lists it.
    definition
        Plain French definition (also the ``<abbr title>`` of its first occurrence).
    pattern
        Regular expression of its occurrences in text (whole words).
    """

    anchor: str
    term: str
    definition: str
    pattern: re.Pattern[str]


#: The glossary of reader jargon, in the order it is listed.
JARGON: tuple[Term, ...] = (
    Term(
        "glossaire-cog",
        "COG (code officiel géographique)",
        "Liste officielle des communes, intercommunalités (EPCI), départements et régions, "
        "publiée par l'Insee au 1er janvier de chaque année. Les chiffres de toutes les "
        "années sont calculés dans les limites d'une même année du COG, pour être "
        "comparables malgré les fusions de communes.",
        re.compile(r"\bCOG\b"),
    ),
    Term(
        "glossaire-exploitation-principale",
        "Exploitation principale du recensement",
        "Traitement de tous les questionnaires du recensement : il donne la population, "
        "les âges et les logements.",
        re.compile(r"\bexploitation principale\b", re.IGNORECASE),
    ),
    Term(
        "glossaire-exploitation-complementaire",
        "Exploitation complémentaire du recensement",
        "Traitement d'un échantillon des questionnaires du recensement (environ un ménage "
        "sur quatre dans les communes de moins de 10 000 habitants), pour les questions "
        "longues à coder : ménages, familles, professions. Ses chiffres sont des "
        "estimations, données avec un intervalle de confiance.",
        re.compile(r"\bexploitations? complémentaires?\b", re.IGNORECASE),
    ),
    Term(
        "glossaire-uc",
        "UC (unité de consommation)",
        "Mesure de la taille d'un ménage qui tient compte de ce qu'il partage : 1 pour le "
        "premier adulte, 0,5 pour chaque autre personne de 14 ans ou plus, 0,3 pour chaque "
        "enfant de moins de 14 ans. Le revenu « par UC » compare ainsi le niveau de vie de "
        "ménages de tailles différentes.",
        re.compile(r"\bUC\b|\bunités? de consommation\b", re.IGNORECASE),
    ),
)

#: Id of the glossary section on the territory's home page.
GLOSSARY_ID = "glossaire"


def jargon_glossary_html() -> str:
    """The glossary section of the home page: each term with its definition and anchor."""
    entries = "".join(
        f'<dt id="{term.anchor}">{escape(term.term)}</dt><dd>{escape(term.definition)}</dd>'
        for term in JARGON
    )
    return (
        f'<section><h2 id="{GLOSSARY_ID}">Glossaire</h2>'
        f'<dl class="ctg-glossary">{entries}</dl></section>'
    )


#: Elements whose text is never linked (headings, links, code, the glossary itself …).
_NOT_LINKED = frozenset(
    {
        "a",
        "abbr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "th",
        "script",
        "style",
        "code",
        "pre",
        "title",
        "dt",
        "dd",
        "button",
        "summary",
        "nav",
        "footer",
        "head",
    }
)


def _linkable(node: NavigableString) -> bool:
    if isinstance(node, Comment) or not node.strip():
        return False
    return not any(parent.name in _NOT_LINKED for parent in node.parents if parent.name)


def link_jargon(soup: Tag, *, glossary_href: str) -> int:
    """Wrap the first occurrence of each :data:`JARGON` term in a link to the glossary.

    The occurrence becomes ``<abbr title="definition"><a href="…#anchor">COG</a></abbr>``:
    the definition shows on hover, the link leads to the glossary entry. Headings, links,
    table headers, navigation and footers are left as they are.

    Parameters
    ----------
    soup
        The page, or its ``<main>`` (changed in place).
    glossary_href
        Where the glossary is: ``"index.html"`` from a report page, ``""`` on the home
        page itself.

    Returns
    -------
    int
        The number of terms linked.
    """
    factory = BeautifulSoup("", "html.parser")  # makes the new tags
    linked = 0
    for term in JARGON:
        for node in list(soup.find_all(string=term.pattern)):
            if not _linkable(node):
                continue
            match = term.pattern.search(str(node))
            if match is None:
                continue
            text = str(node)
            abbr = factory.new_tag("abbr", attrs={"title": term.definition, "class": "ctg-jargon"})
            link = factory.new_tag("a", href=f"{glossary_href}#{term.anchor}")
            link.string = match.group(0)
            abbr.append(link)
            node.replace_with(
                NavigableString(text[: match.start()]), abbr, NavigableString(text[match.end() :])
            )
            linked += 1
            break
    return linked
