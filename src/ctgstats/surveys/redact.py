"""Removal of personal identifiers from free-text answers (methodology rule 15).

Free text may contain names, e-mail addresses, phone numbers, street addresses and
links. :func:`redact` replaces them with a bracketed marker (``[courriel]``,
``[téléphone]``, ``[adresse]``, ``[lien]``, ``[nom]``) before anything reaches a report.
It is pattern-based: it errs on the side of removing (a capitalised word after
"je suis" is taken for a name) and cannot know every name, so each survey lists its own
extra words (place names, the names of staff …) in the codebook's ``redact_terms``.

:func:`verbatims` gives the redacted answers of a text question **without any
respondent-level key** (no respondent id, no row number) and sorted alphabetically, so
that a verbatim cannot be matched with the other answers of its author.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

import pandas as pd

from ctgstats.surveys.codebook import Codebook, Question
from ctgstats.surveys.model import NON_RESPONSE, SurveyData

__all__ = [
    "NO_THEME",
    "THEMES_COLUMNS",
    "VERBATIM_COLUMNS",
    "redact",
    "theme_matches",
    "themes_table",
    "verbatims",
]

VERBATIM_COLUMNS = ["question", "verbatim", "themes"]
THEMES_COLUMNS = ["question", "theme", "effectif", "pourcentage", "base"]
NO_THEME = "(aucun thème)"

EMAIL, PHONE, ADDRESS, LINK, NAME = ("[courriel]", "[téléphone]", "[adresse]", "[lien]", "[nom]")

_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
_LOWER = "a-zàâäçéèêëîïôöùûüÿæœ"
# A name word: "Dupont", "DUPONT", "Jean-Pierre", "J.", "O'Neil", "Lefèvre-Martin"
_NAME_WORD = (
    rf"(?:[{_UPPER}](?:[{_LOWER}]+|[{_UPPER}]+)(?:['’\-][{_UPPER}]?[{_LOWER}]+)*"
    rf"|[{_UPPER}]\.)"
)
_NAMES = rf"{_NAME_WORD}(?:[ \u00a0]+{_NAME_WORD}){{0,3}}"

_EMAIL_RE = re.compile(
    r"[\w.+\-]+\s*(?:@|\[at\]|\(at\)|\sarobase\s)\s*[\w\-]+(?:\.[\w\-]+)*\.[a-zA-Z]{2,}",
    re.IGNORECASE,
)
# With a scheme or "www.": any case. Bare domains: lower-case common endings only, so
# that a missing space after a full stop ("trop cher.Merci") is not taken for a link.
_URL_RE = re.compile(
    r"(?i:https?://|www\.)[^\s<>\"]+"
    r"|(?<![\w@.\-])[a-z0-9][\w\-]*(?:\.[\w\-]+)*\.(?:fr|com|org|net|eu|info)"
    r"(?:/[^\s<>\"]*)?(?![\w\-])"
)
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33[\s.\-]*(?:\(0\)[\s.\-]*)?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)"
)

_SP = r"[ \u00a0]+"
# Street types that are only ever addresses after a number, and those that are also
# common nouns ("2 places en crèche", "3 cours de danse"): the latter need a
# capitalised name ("1 place de la Mairie").
_STREET_TYPES = (
    r"rue|ruelle|avenue|av\.|boulevard|bd|bld|chemin|impasse|imp\.|all[ée]e|"
    r"quai|faubourg|fbg|lotissement|lot\.|sentier|esplanade|rond-point"
)
_COMMON_TYPES = (
    r"place|pl\.|route|rte|cours|square|passage|r[ée]sidence|hameau|cit[ée]|"
    r"voie|promenade|mont[ée]e|c[ôo]te|traverse|villa"
)
_PARTICLE = r"(?:des?|du|la|le|les|aux?|sur|sous|et|en)"
_ELISION = r"(?:[dlDL]['’])"
# one step of a street name: particles, then a capitalised word or a number ("8 Mai 1945")
_STEP = rf"{_SP}(?:{_PARTICLE}{_SP})*{_ELISION}?(?:{_NAME_WORD}|\d{{1,4}}(?:er)?\b)"
# a lower-case name after at least one particle: "12 rue des lilas", "de l'église"
_LOWER_STEP = rf"{_SP}(?:(?:{_PARTICLE}{_SP})+{_ELISION}?|{_ELISION})[{_LOWER}][{_LOWER}\-]+"
_NUMBER = rf"(?<![\w,.])\d{{1,4}}(?:[ \u00a0]?(?i:bis|ter|quater)\b|[A-D]\b)?,?{_SP}"
_POSTCODE = rf"(?:,?{_SP}\d{{5}}(?:{_SP}{_NAME_WORD}(?:(?:{_SP}|-){_NAME_WORD})*)?)?"
_ADDRESS_RE = re.compile(
    rf"{_NUMBER}(?i:{_STREET_TYPES})(?![\w\-])(?:{_STEP}|{_LOWER_STEP})?(?:{_STEP})*{_POSTCODE}"
    rf"|{_NUMBER}(?i:{_COMMON_TYPES})(?![\w\-])(?:{_STEP})+{_POSTCODE}"
    rf"|\b(?i:lieu[\-\s]dit){_SP}(?:{_PARTICLE}{_SP}|{_ELISION})?{_NAMES}"
)
# Civilities (case-sensitive: "Mme", "M.", "Madame"); "Me" (maître) is left out, it is
# also a pronoun at the start of a sentence.
_CIVILITY_RE = re.compile(
    rf"\b(M\.|MM\.|Mr\.?|Mme\.?|Mmes\.?|Mlle\.?|Mlles\.?|Monsieur|Madame|Mademoiselle|"
    rf"Messieurs|Mesdames|Dr\.?|Docteur|Docteure|Pr\.?|Professeur|Ma[îi]tre){_SP}"
    rf"(?:{_NAMES})"
)
_INTRO_RE = re.compile(
    rf"\b([Jj]e{_SP}(?:m['’] ?appelle|suis|me nomme)|[Jj]['’] ?m['’] ?appelle|"
    rf"[Mm]on (?:nom|prénom)(?: est)?){_SP}(?:{_NAMES})"
)
_SPACES_RE = re.compile(r"[ \t\u00a0]+")


def _strip(text: str) -> str:
    """Lower-case text without accents (ç -> c, é -> e, œ -> oe)."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_VARIANTS = {"a": "aàâä", "c": "cç", "e": "eéèêë", "i": "iîï", "o": "oôö", "u": "uùûü", "y": "yÿ"}


def _loose(term: str) -> str:
    """Regex matching ``term`` whatever its accents and case (whole word)."""
    parts = []
    plain = _strip(term.strip())
    index = 0
    while index < len(plain):
        char = plain[index]
        index += 1
        if plain[index - 1 : index + 1] in ("oe", "ae"):  # written œ / æ or in two letters
            parts.append(f"(?:{char}[{_VARIANTS['e']}]|{'œ' if char == 'o' else 'æ'})")
            index += 1
        elif char in _VARIANTS:
            parts.append(f"[{_VARIANTS[char]}]")
        elif char.isspace():
            parts.append(r"[\s\u00a0]+")
        elif char in "-'’":
            parts.append(r"[\-'’\s]?")
        else:
            parts.append(re.escape(char))
    return rf"(?<!\w){''.join(parts)}(?!\w)"


def _urls(text: str) -> str:
    def replace(match: re.Match) -> str:
        found = match.group(0)
        trailing = len(found) - len(found.rstrip(".,;:!?)»"))
        return LINK + (found[len(found) - trailing :] if trailing else "")

    return _URL_RE.sub(replace, text)


def redact(text: str, *, extra_terms: Sequence[str] = ()) -> str:
    """Replace personal identifiers in ``text`` by markers.

    Parameters
    ----------
    text
        A free-text answer.
    extra_terms
        Words or phrases to remove wherever they appear as whole words, case- and
        accent-insensitive (the codebook's ``redact_terms``): replaced by ``[nom]``.

    Returns
    -------
    str
        The text with ``[courriel]`` (e-mail addresses), ``[lien]`` (URLs and web
        addresses), ``[téléphone]`` (French numbers: ``06 12 34 56 78``,
        ``06.12.34.56.78``, ``0612345678``, ``+33 6 12 34 56 78``, ``+33 (0)6 …``),
        ``[adresse]`` (a number followed by a street type and its name, ``12 rue des
        Lilas``, ``3 bis avenue Jean Jaurès``, optionally the postcode and town; a
        ``lieu-dit`` and its name) and ``[nom]`` (capitalised words after a civility —
        ``M.``, ``Mme``, ``Monsieur``, ``Madame``, ``Mlle``, ``Dr``, ``Maître`` … — which
        is kept, or after "je m'appelle", "je suis", "mon nom est"; and the extra terms).
        Years, counts, amounts and the word "rue" alone are kept.
    """
    if not isinstance(text, str) or not text.strip():
        return "" if not isinstance(text, str) else text
    result = _EMAIL_RE.sub(EMAIL, text)
    result = _urls(result)
    result = _PHONE_RE.sub(PHONE, result)
    result = _ADDRESS_RE.sub(ADDRESS, result)
    result = _CIVILITY_RE.sub(lambda m: f"{m.group(1)} {NAME}", result)
    result = _INTRO_RE.sub(lambda m: f"{m.group(1)} {NAME}", result)
    terms = sorted({t.strip() for t in extra_terms if t and t.strip()}, key=len, reverse=True)
    for term in terms:
        result = re.sub(_loose(term), NAME, result, flags=re.IGNORECASE)
    return result


# --------------------------------------------------------------------------- verbatims


def theme_matches(text: str, themes: Mapping[str, Sequence[str]] | None) -> list[str]:
    """Themes whose keywords start a word of ``text`` (case- and accent-insensitive).

    ``"transport"`` matches "Transports", ``"ecole"`` matches "l'école"; ``"car"`` does
    not match "écart" (word start only).
    """
    if not themes:
        return []
    plain = _strip(text)
    found = []
    for theme, keywords in themes.items():
        for keyword in keywords:
            word = _strip(keyword.strip())
            if word and re.search(rf"(?<!\w){re.escape(word)}", plain):
                found.append(theme)
                break
    return found


def _text_question(codebook: Codebook, question: str) -> Question:
    q = codebook.question(question)
    if q.type != "text":
        raise ValueError(f"question {question!r} is not a text question (type {q.type})")
    return q


def _texts(data: SurveyData, question: str) -> list[str]:
    """Non-empty raw texts of the included respondents for ``question``."""
    ids = set(data.included["respondent_id"].astype(str))
    answers = data.answers[
        (data.answers["question"] == question) & data.answers["respondent_id"].astype(str).isin(ids)
    ]
    answers = answers[
        answers["code"].astype(object).where(answers["code"].notna(), "") != NON_RESPONSE
    ]
    texts = answers["text"].astype(object).where(answers["text"].notna(), "")
    return [_SPACES_RE.sub(" ", str(t)).strip() for t in texts if str(t).strip()]


def verbatims(data: SurveyData, codebook: Codebook, *, question: str) -> pd.DataFrame:
    """Redacted free-text answers of a text question, safe to publish.

    Only included respondents' non-empty answers. Every text goes through
    :func:`redact` with the codebook's ``redact_terms``. The frame has no respondent id
    and no row number, and is sorted alphabetically (accent- and case-insensitive), so
    that no row can be matched to the other answers of the same respondent.

    Returns
    -------
    pd.DataFrame
        Columns ``question, verbatim, themes`` (themes: names of the codebook themes
        whose keywords appear, comma-separated in codebook order, or "").
    """
    q = _text_question(codebook, question)
    terms = codebook.survey.redact_terms
    rows = []
    for text in _texts(data, q.id):
        clean = redact(text, extra_terms=terms)
        rows.append(
            {
                "question": q.id,
                "verbatim": clean,
                "themes": ", ".join(theme_matches(clean, q.themes)),
            }
        )
    rows.sort(key=lambda row: (_strip(row["verbatim"]), row["verbatim"]))
    return pd.DataFrame(rows, columns=VERBATIM_COLUMNS)


def themes_table(data: SurveyData, codebook: Codebook, *, question: str) -> pd.DataFrame:
    """Number and share of verbatims mentioning each theme.

    The base is the number of non-empty answers (one per respondent); a verbatim may
    mention several themes, so the shares do not sum to 100. A last row counts the
    verbatims with no theme (:data:`NO_THEME`).

    Returns
    -------
    pd.DataFrame
        Columns ``question, theme, effectif, pourcentage, base``.
    """
    q = _text_question(codebook, question)
    terms = codebook.survey.redact_terms
    found = [
        set(theme_matches(redact(text, extra_terms=terms), q.themes)) for text in _texts(data, q.id)
    ]
    base = len(found)
    rows = []
    for theme in [*(q.themes or {}), NO_THEME]:
        count = sum(1 for f in found if (not f if theme == NO_THEME else theme in f))
        rows.append(
            {
                "question": q.id,
                "theme": theme,
                "effectif": count,
                "pourcentage": 100 * count / base if base else float("nan"),
                "base": base,
            }
        )
    return pd.DataFrame(rows, columns=THEMES_COLUMNS)
