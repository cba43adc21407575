"""Territory levels and the shape of their codes.

Codes are always strings (methodology rule 10): ``"01001"``, ``"2A004"``, ``"97101"``,
EPCI SIREN ``"200072635"``. Nothing here parses a code as an integer.

The fictional demo territory uses département ``"00"``, communes ``"00001"``… and EPCI
SIRENs ``"000000xxx"``: well-formed, but no real INSEE or SIREN code has these shapes
(no real département is 00, and every real EPCI SIREN starts with 2).
"""

from __future__ import annotations

import re
from enum import StrEnum


class Level(StrEnum):
    """Geographic level of a territory, as written in params files and figure tables."""

    COMMUNE = "commune"
    EPCI = "epci"
    DEPARTEMENT = "departement"
    REGION = "region"
    FRANCE = "france"
    GROUPE = "groupe"  # a named group of communes given as a list of codes


CODE_PATTERNS: dict[Level, re.Pattern[str]] = {
    Level.COMMUNE: re.compile(r"^(?:\d{5}|2[AB]\d{3})$"),
    Level.EPCI: re.compile(r"^\d{9}$"),
    Level.DEPARTEMENT: re.compile(r"^(?:\d{2}|2[AB]|97[1-6])$"),
    Level.REGION: re.compile(r"^\d{2}$"),
    Level.FRANCE: re.compile(r"^(?:FR|FRM|1)$"),
}

CODE_SHAPES: dict[Level, str] = {
    Level.COMMUNE: "5 caractères, ex. '31471' ou '2A004'",
    Level.EPCI: "SIREN à 9 chiffres, ex. '200072635'",
    Level.DEPARTEMENT: "2 ou 3 caractères, ex. '31', '2A', '974'",
    Level.REGION: "2 chiffres, ex. '76'",
    Level.FRANCE: "'FR' (France) ou 'FRM' (France métropolitaine)",
}

DEMO_DEPARTEMENT = "00"

LEVEL_LABELS: dict[Level, str] = {
    Level.COMMUNE: "Commune",
    Level.EPCI: "EPCI",
    Level.DEPARTEMENT: "Département",
    Level.REGION: "Région",
    Level.FRANCE: "France",
    Level.GROUPE: "Groupe de communes",
}


def is_valid_code(level: Level | str, code: str) -> bool:
    """Tell whether ``code`` has the shape of a code of ``level`` (not whether it exists)."""
    level = Level(level)
    if not isinstance(code, str):
        return False
    if level is Level.GROUPE:
        return bool(re.fullmatch(r"[A-Za-z0-9_\-]{1,64}", code))
    return bool(CODE_PATTERNS[level].fullmatch(code))


def departement_of_commune(code: str) -> str:
    """Département code of a commune code: ``'31471' -> '31'``, ``'97101' -> '971'``."""
    if code.startswith("97"):
        return code[:3]
    return code[:2]


def is_fictional(code: str) -> bool:
    """True for codes of the fictional demo territory (département ``00``)."""
    return code.startswith("00")
