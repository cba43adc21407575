"""French headers of the indicator glossary (the registry's methodology appendix)."""

from __future__ import annotations

import pandas as pd

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
