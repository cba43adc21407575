"""Generate the fictional demo territory (département ``00``, "Val-d'Exemple").

The generated files copy INSEE's distribution formats exactly (census *bases communales*
in CSV-in-zip and XLSX, Filosofi CSV with BOM/CRLF/decimal comma, COG XLSX and movements
CSV) but every number is FICTIONAL. Run::

    python -m ctgstats.demo.generate [--output DIR]

The output is fully deterministic: every random draw comes from
``numpy.random.default_rng([seed, section, index])``, values are quantised to 1e-6 before
being written (so that a last-bit difference of a transcendental function on another
platform cannot change a printed digit), zip entries carry a fixed date and are stored
uncompressed (deflate output depends on the zlib build), and XLSX properties carry a fixed
datetime. Running it twice gives byte-identical files.

Model, in short: single-year-of-age counts by sex for each commune and census vintage
(every age group is aggregated from them, so every census identity holds); a
principal-exploitation household frame (people living alone / in a couple by age, which
gives the expected numbers of households and families); a ~1/4 sample of households
drawn from that frame and weighted back (the complementary-exploitation ``C`` variables,
multiples of a commune weight of about 4-5); household incomes per consumption unit
drawn from a lognormal per commune, from which Filosofi quantiles of every level are
computed (never averaged). Old censuses, births and deaths are drawn around profile rates.
"""

from __future__ import annotations

import argparse
import importlib
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from ctgstats.core.notebooks import NOTEBOOKS

DEFAULT_SEED = 20261124
FIXED_DATETIME = datetime(2025, 1, 1, 0, 0, 0)
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FICTION = "données fictives (démonstration ctgstats)"

CENSUS_YEARS = (2011, 2016, 2022)
FILOSOFI_YEARS = (2016, 2019)
HISTORIC_YEARS = (1999, 1990, 1982, 1975, 1968)
PERIODS = (
    (2016, 2022),
    (2011, 2016),
    (1999, 2011),
    (1990, 1999),
    (1982, 1990),
    (1975, 1982),
    (1968, 1975),
)
AGES = np.arange(101)
AGE_KNOTS = (0, 5, 10, 15, 18, 22, 28, 35, 45, 55, 62, 68, 75, 82, 88, 95, 100)
SAMPLE_FRACTION_SMALL = 0.25  # complementary exploitation, communes < 10 000 inhabitants
SAMPLE_FRACTION_LARGE = 0.40  # annual surveys of large communes pooled over 5 years

DEP_CODE, DEP_NAME = "00", "Val-d'Exemple (département fictif)"
REG_CODE, REG_NAME = "00", "Région fictive"
FRANCE_CODE, FRANCE_NAME = "1", "France métropolitaine (données fictives)"
MERGE_DATE = "2019-01-01"
MERGED = {"00013": "00012"}  # old code -> code of the commune nouvelle
NEW_NAMES = {"00012": "Vallons-Fictifs"}

# Random-stream sections (second key of every generator).
_POPULATION, _HOUSEHOLDS, _SAMPLE, _HISTORY, _INCOME, _FILOSOFI = range(1, 7)

# --------------------------------------------------------------------------------------
# Territory
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Epci:
    """A fictional EPCI."""

    code: str
    name: str
    nature: str


@dataclass(frozen=True)
class Commune:
    """A commune of the old (pre-2019) geography, with its 2022 target population."""

    code: str
    name: str
    epci: str
    pop22: float
    profile: str


EPCIS = (
    Epci("000000101", "CC du Haut-Val fictif", "CC"),
    Epci("000000102", "CA de Fictiville", "CA"),
    Epci("000000103", "CC des Coteaux imaginaires", "CC"),
    Epci("000000104", "CC de la Vallée d'Exemple", "CC"),
)

_COMMUNE_TABLE = """
00001|Montfictif-les-Bains|101|2350|montagne
00002|Saint-Fictif|101|1210|montagne
00003|Exemple-en-Montagne|101|610|montagne
00004|Fictaz|101|150|montagne
00005|Les Fictières|101|92|montagne
00006|Col-de-l'Exemple|101|54|montagne
00007|Sainte-Imaginaire|101|325|montagne
00008|Pic-Fictif|101|71|montagne
00009|Fictignac-d'en-Haut|101|212|montagne
00010|Simulac|101|486|montagne
00011|Roche-Exemplaire|101|133|montagne
00012|Vallon-Haut|101|385|montagne
00013|Vallon-Bas|101|58|montagne
00014|Estive-Fictive|101|96|montagne
00015|Exemplas|101|262|montagne
00016|Fictarrieu|101|171|montagne
00017|Saint-Modèle-de-Montagne|101|905|montagne
00018|Fictiville|102|25120|ville
00019|Exempleville|102|4230|couronne
00020|Bourg-Fictif|102|3105|couronne
00021|Saint-Exemple|102|2410|couronne
00022|Imaginac|102|1795|couronne
00023|Fictigny|102|1510|couronne
00024|Montexemple|102|1090|couronne
00025|La Fictivière|102|705|couronne
00026|Coteaux-Fictifs|103|3320|coteaux
00027|Imaginville|103|2705|coteaux
00028|Saint-Simulé|103|2290|coteaux
00029|Fictillac|103|1920|coteaux
00030|Exemplanne|103|1580|coteaux
00031|Mirefictif|103|1405|coteaux
00032|Castelfictif|103|1190|coteaux
00033|La Côte-Imaginaire|103|905|coteaux
00034|Exemplon|103|690|coteaux
00035|Puy-Imaginaire|103|495|coteaux
00036|Pont-d'Exemple|104|2810|vallee
00037|Fictiac|104|1490|vallee
00038|Saint-Julien-Fictif|104|1110|vallee
00039|Moulin-l'Exemple|104|905|vallee
00040|Fictesse|104|640|vallee
00041|Exemplières|104|455|vallee
00042|Rivière-Imaginaire|104|305|vallee
00043|Fictoulet|104|196|vallee
"""


def _parse_communes(table: str) -> tuple[Commune, ...]:
    """Parse the commune table (``code|name|epci suffix|pop 2022|profile``)."""
    communes = []
    for line in table.strip().splitlines():
        code, name, epci, pop, profile = line.split("|")
        communes.append(Commune(code, name, f"000000{epci}", float(pop), profile))
    return tuple(communes)


COMMUNES = _parse_communes(_COMMUNE_TABLE)


def new_code(code: str) -> str:
    """Code in the 2025 geography of a commune of the old geography."""
    return MERGED.get(code, code)


def new_communes() -> list[tuple[str, str, str]]:
    """``(code, name, epci)`` of the communes in the 2025 geography, sorted by code."""
    rows = {}
    for commune in COMMUNES:
        code = new_code(commune.code)
        rows[code] = (code, NEW_NAMES.get(code, commune.name), commune.epci)
    return [rows[code] for code in sorted(rows)]


# --------------------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------------------

AGE_GROUPS_15P = ("1519", "2024", "2539", "4054", "5564", "6579", "80P")
INSTITUTION_RATE = {
    "0014": 0.002,
    "1519": 0.02,
    "2024": 0.03,
    "2539": 0.008,
    "4054": 0.008,
    "5564": 0.01,
    "6579": 0.015,
    "80P": 0.10,
}
# Shares of married, pacsé, concubinage, widowed, divorced by AGE_GROUPS_15P (2022).
MARITAL = np.array(
    [
        [0.000, 0.002, 0.010, 0.000, 0.000],
        [0.030, 0.040, 0.150, 0.000, 0.002],
        [0.300, 0.100, 0.250, 0.002, 0.030],
        [0.500, 0.060, 0.130, 0.010, 0.120],
        [0.580, 0.030, 0.080, 0.040, 0.150],
        [0.600, 0.010, 0.040, 0.140, 0.110],
        [0.330, 0.002, 0.010, 0.500, 0.060],
    ]
)
MARITAL_NAMES = ("MARIEE", "PACSEE", "CONCUB_UNION_LIBRE", "VEUFS", "DIVORCEE")


@dataclass(frozen=True)
class Profile:
    """Demographic, housing and income parameters of a type of commune.

    Tuples indexed by census year follow :data:`CENSUS_YEARS`; by age group,
    :data:`AGE_GROUPS_15P`; by period, :data:`PERIODS` (newest first); by historic year,
    :data:`HISTORIC_YEARS`.
    """

    growth: float  # mean annual population growth 2011-2022
    density: tuple[float, ...]  # relative density of single ages at AGE_KNOTS (2022)
    ageing: float  # how much older 2022 is than 2011 (tilt of the density)
    pseul: tuple[float, ...]  # share of the household population living alone (2022)
    couple: tuple[float, ...]  # share living in a couple (2022)
    children: tuple[float, float, float]  # children (any age) per family with children
    lone_parent: tuple[float, float, float]  # lone parents among families with children
    under25: float  # probability that a child of a family is under 25
    history: tuple[float, ...]  # population at HISTORIC_YEARS relative to 2011
    births: tuple[float, ...]  # births per 1000 inhabitants per year, by period
    deaths: tuple[float, ...]  # deaths per 1000 inhabitants per year, by period
    second_homes: float  # share of dwellings in 2022
    vacancy: float  # share of dwellings in 2022
    area: tuple[float, float]  # range of the area (km²)
    median: float  # median niveau de vie 2019 (€)
    sigma: float  # log-sd of niveaux de vie
    shares: tuple[float, ...]  # PTSA PCHO PBEN PPEN PPAT PPFAM PPMINI PPLOGT (%)
    men_alone: float  # share of men among people living alone


PROFILES: dict[str, Profile] = {
    "montagne": Profile(
        growth=-0.006,
        density=(
            0.6,
            0.65,
            0.75,
            0.8,
            0.62,
            0.42,
            0.48,
            0.65,
            0.98,
            1.3,
            1.42,
            1.45,
            1.2,
            0.8,
            0.45,
            0.1,
            0.01,
        ),
        ageing=0.35,
        pseul=(0.004, 0.11, 0.18, 0.155, 0.20, 0.25, 0.43),
        couple=(0.004, 0.20, 0.56, 0.66, 0.68, 0.64, 0.33),
        children=(1.80, 1.77, 1.74),
        lone_parent=(0.19, 0.225, 0.26),
        under25=0.78,
        history=(1.05, 1.12, 1.20, 1.32, 1.45),
        births=(6.8, 7.5, 8.0, 9.0, 10.0, 11.0, 13.0),
        deaths=(15.5, 14.5, 14.0, 14.0, 14.5, 15.0, 15.0),
        second_homes=0.30,
        vacancy=0.11,
        area=(12.0, 55.0),
        median=19600.0,
        sigma=0.40,
        shares=(50.5, 2.9, 7.6, 37.5, 10.2, 2.0, 2.3, 0.9),
        men_alone=0.46,
    ),
    "ville": Profile(
        growth=0.001,
        density=(
            0.95,
            1.0,
            1.0,
            1.0,
            1.25,
            1.45,
            1.35,
            1.15,
            1.1,
            1.1,
            1.05,
            0.95,
            0.75,
            0.5,
            0.3,
            0.08,
            0.005,
        ),
        ageing=0.12,
        pseul=(0.02, 0.30, 0.30, 0.20, 0.25, 0.32, 0.50),
        couple=(0.006, 0.16, 0.54, 0.65, 0.66, 0.62, 0.31),
        children=(1.82, 1.80, 1.78),
        lone_parent=(0.26, 0.28, 0.30),
        under25=0.86,
        history=(1.0, 0.99, 0.95, 0.88, 0.78),
        births=(10.8, 11.5, 12.0, 12.5, 13.5, 14.0, 16.0),
        deaths=(9.6, 9.2, 9.0, 8.8, 9.0, 9.5, 10.0),
        second_homes=0.02,
        vacancy=0.095,
        area=(28.0, 32.0),
        median=19900.0,
        sigma=0.52,
        shares=(64.0, 3.8, 4.6, 28.0, 8.8, 2.3, 3.6, 2.3),
        men_alone=0.42,
    ),
    "couronne": Profile(
        growth=0.006,
        density=(
            1.05,
            1.2,
            1.25,
            1.2,
            0.9,
            0.6,
            0.75,
            1.1,
            1.3,
            1.2,
            1.05,
            0.95,
            0.65,
            0.4,
            0.22,
            0.05,
            0.003,
        ),
        ageing=0.25,
        pseul=(0.003, 0.09, 0.14, 0.12, 0.17, 0.23, 0.42),
        couple=(0.004, 0.21, 0.66, 0.73, 0.72, 0.68, 0.36),
        children=(1.95, 1.92, 1.90),
        lone_parent=(0.15, 0.165, 0.18),
        under25=0.88,
        history=(0.92, 0.85, 0.76, 0.66, 0.55),
        births=(10.5, 11.0, 11.5, 11.5, 12.0, 12.5, 13.5),
        deaths=(7.6, 7.2, 7.0, 7.5, 8.0, 9.0, 10.0),
        second_homes=0.03,
        vacancy=0.06,
        area=(9.0, 22.0),
        median=23300.0,
        sigma=0.40,
        shares=(71.5, 3.0, 4.9, 24.0, 9.5, 2.0, 1.3, 0.8),
        men_alone=0.42,
    ),
    "coteaux": Profile(
        growth=0.012,
        density=(
            1.15,
            1.3,
            1.35,
            1.25,
            0.9,
            0.6,
            0.75,
            1.2,
            1.35,
            1.2,
            1.0,
            0.9,
            0.6,
            0.35,
            0.2,
            0.05,
            0.003,
        ),
        ageing=0.25,
        pseul=(0.003, 0.08, 0.13, 0.11, 0.16, 0.22, 0.40),
        couple=(0.004, 0.22, 0.68, 0.74, 0.72, 0.68, 0.36),
        children=(2.00, 1.97, 1.95),
        lone_parent=(0.14, 0.155, 0.17),
        under25=0.90,
        history=(0.87, 0.75, 0.62, 0.50, 0.42),
        births=(11.0, 12.0, 12.5, 12.0, 12.5, 13.0, 14.0),
        deaths=(7.2, 6.8, 6.8, 7.5, 8.5, 9.0, 10.0),
        second_homes=0.04,
        vacancy=0.055,
        area=(8.0, 20.0),
        median=23800.0,
        sigma=0.38,
        shares=(73.5, 3.0, 5.0, 23.0, 9.0, 2.0, 1.2, 0.8),
        men_alone=0.42,
    ),
    "vallee": Profile(
        growth=0.002,
        density=(
            0.85,
            0.9,
            0.95,
            0.95,
            0.75,
            0.55,
            0.65,
            0.85,
            1.1,
            1.25,
            1.3,
            1.25,
            1.0,
            0.65,
            0.38,
            0.09,
            0.005,
        ),
        ageing=0.20,
        pseul=(0.004, 0.12, 0.19, 0.15, 0.20, 0.27, 0.45),
        couple=(0.004, 0.20, 0.60, 0.70, 0.70, 0.66, 0.34),
        children=(1.85, 1.82, 1.80),
        lone_parent=(0.18, 0.20, 0.22),
        under25=0.84,
        history=(0.98, 0.97, 0.96, 0.98, 1.02),
        births=(8.8, 9.5, 10.0, 10.5, 11.0, 12.0, 14.0),
        deaths=(12.2, 11.5, 11.0, 11.0, 11.5, 12.0, 12.5),
        second_homes=0.10,
        vacancy=0.09,
        area=(10.0, 30.0),
        median=21000.0,
        sigma=0.41,
        shares=(60.0, 3.2, 6.0, 31.5, 9.6, 2.1, 2.0, 1.1),
        men_alone=0.42,
    ),
}

# The rest of (fictional) metropolitan France, for the METROPOLE Filosofi files.
FRANCE_HOUSEHOLDS = {2016: 27_200_000, 2019: 27_930_000}
FRANCE_STRUCTURE = {
    "pseul": 0.34,
    "sfam": 0.03,
    "csc": 0.26,
    "cwc": 0.27,
    "mono": 0.09,
    "children_per_family": 1.9,
}
FRANCE_SHARES = {
    2016: (64.8, 3.2, 5.5, 28.5, 10.0, 2.1, 1.9, 1.4),
    2019: (65.1, 2.9, 5.5, 28.3, 10.1, 2.0, 2.5, 1.3),
}
FRANCE_MEDIAN, FRANCE_SIGMA = 22300.0, 0.50
INCOME_2016_FACTOR = 0.945  # nominal niveaux de vie 2016 relative to 2019
HOUSEHOLD_TYPES = ("pseul", "sfam", "csc", "cwc", "mono")
TYPE_EFFECT = np.array([-0.08, -0.05, 0.12, 0.0, -0.32])  # log niveau de vie by type

# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def _rng(seed: int, section: int, index: int) -> np.random.Generator:
    """Independent random stream for one section of the model and one unit."""
    return np.random.default_rng([seed, section, index])


def _q(value: float | np.ndarray) -> np.ndarray:
    """Quantise to 1e-6 so that printed digits do not depend on last-bit differences."""
    return np.round(value, 6)


def _bounds(group: str) -> tuple[int, int]:
    """Inclusive age bounds of a group code: ``'0002' -> (0, 2)``, ``'80P' -> (80, 100)``."""
    if group.endswith("P"):
        return int(group[:-1]), 100
    return int(group[:2]), int(group[2:])


def _age_sum(values: np.ndarray, group: str) -> float:
    """Sum of single-age values (last axis) over an age group."""
    low, high = _bounds(group)
    return float(_q(values[..., low : high + 1].sum(axis=-1)))


def _age_label(group: str) -> str:
    """French label of an age group: ``'0002' -> '0-2 ans'``, ``'80P' -> '80 ans ou plus'``."""
    low, high = _bounds(group)
    return f"{low} ans ou plus" if group.endswith("P") else f"{low}-{high} ans"


def _yy(year: int) -> str:
    return f"{year % 100:02d}"


# --------------------------------------------------------------------------------------
# Population (principal exploitation)
# --------------------------------------------------------------------------------------

DETAILED_GROUPS = ("0002", "0305", "0610", "1117", "1824", "2539", "4054", "5564", "6579", "80P")
BROAD_GROUPS = ("0014", "1529", "3044", "4559", "6074", "7589", "90P")
BROAD_GROUPS_OLD = ("0014", "1529", "3044", "4559", "6074", "75P")
LARGE_GROUPS = ("0019", "2064", "65P")
ALL_GROUPS = tuple(
    dict.fromkeys(
        DETAILED_GROUPS + BROAD_GROUPS + BROAD_GROUPS_OLD + LARGE_GROUPS + AGE_GROUPS_15P + ("15P",)
    )
)


def population_totals(
    rng: np.random.Generator, commune: Commune, profile: Profile
) -> dict[int, float]:
    """Total population of a commune at each census vintage."""
    p22 = commune.pop22 * float(np.exp(rng.normal(0.0, 0.01)))
    growth_late = profile.growth + rng.normal(0.0, 0.006)
    growth_early = profile.growth + rng.normal(0.0, 0.006)
    p16 = p22 / (1.0 + growth_late) ** 6
    p11 = p16 / (1.0 + growth_early) ** 5
    return {2011: p11, 2016: p16, 2022: p22}


def age_pyramid(rng: np.random.Generator, profile: Profile, total: float, year: int) -> np.ndarray:
    """Population by sex (rows: men, women) and single year of age 0..100.

    Parameters
    ----------
    rng
        Random stream of the commune.
    profile
        Age density and ageing speed.
    total
        Target total population.
    year
        Census vintage; earlier vintages are tilted towards younger ages.
    """
    density = np.interp(AGES, AGE_KNOTS, profile.density)
    tilt = np.exp(profile.ageing * (AGES - 45.0) / 45.0 * (year - 2022) / 11.0)
    sigma = min(0.30, 2.5 / np.sqrt(total))
    counts = density * tilt * rng.lognormal(0.0, sigma, AGES.size)
    counts = counts / counts.sum() * total
    male = np.interp(
        AGES, (0, 20, 50, 65, 75, 85, 95, 100), (0.512, 0.51, 0.50, 0.485, 0.46, 0.39, 0.27, 0.20)
    )
    male = np.clip(male + rng.normal(0.0, 0.1 * sigma, AGES.size), 0.05, 0.95)
    return _q(np.vstack([counts * male, counts * (1.0 - male)]))


def structure_variables(pyramid: np.ndarray, year: int) -> dict[str, float]:
    """Every ``P{yy}_POP*``, ``P{yy}_H*``, ``P{yy}_F*`` age variable of a pyramid."""
    yy = _yy(year)
    both = pyramid.sum(axis=0)
    values = {
        f"P{yy}_POP": _age_sum(both, "0P"),
        f"P{yy}_POPH": _age_sum(pyramid[0], "0P"),
        f"P{yy}_POPF": _age_sum(pyramid[1], "0P"),
    }
    for group in ALL_GROUPS:
        values[f"P{yy}_POP{group}"] = _age_sum(both, group)
        values[f"P{yy}_H{group}"] = _age_sum(pyramid[0], group)
        values[f"P{yy}_F{group}"] = _age_sum(pyramid[1], group)
    return values


def household_population(pyramid: np.ndarray, institution_factor: float) -> np.ndarray:
    """Population living in ordinary households, by single age (the rest is in institutions)."""
    rates = np.empty(AGES.size)
    for group, rate in INSTITUTION_RATE.items():
        low, high = _bounds(group)
        rates[low : high + 1] = min(0.5, rate * institution_factor)
    return _q(pyramid.sum(axis=0) * (1.0 - rates))


# --------------------------------------------------------------------------------------
# Households: principal-exploitation frame and complementary-exploitation sample
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneNoise:
    """Commune-specific deviations from its profile, constant over the vintages."""

    institutions: float
    pseul: np.ndarray
    couple: np.ndarray
    children: float
    lone_parent: float
    marital: np.ndarray


def draw_noise(rng: np.random.Generator) -> CommuneNoise:
    """Draw the commune-specific deviations."""
    return CommuneNoise(
        institutions=float(rng.lognormal(0.0, 0.6)),
        pseul=rng.lognormal(0.0, 0.08, len(AGE_GROUPS_15P)),
        couple=rng.lognormal(0.0, 0.04, len(AGE_GROUPS_15P)),
        children=float(rng.lognormal(0.0, 0.04)),
        lone_parent=float(rng.lognormal(0.0, 0.10)),
        marital=rng.lognormal(0.0, 0.05, len(MARITAL_NAMES)),
    )


def household_frame(
    pyramid: np.ndarray, popmen: np.ndarray, profile: Profile, noise: CommuneNoise, year: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Principal-exploitation living arrangements and the expected household counts.

    Returns
    -------
    frame
        Additive expected counts: ``men`` (households), ``pmen`` (their population),
        ``pseul``/``pseul_h`` (one-person households, of which men), ``sfam`` (other
        households without family), ``csc``/``cwc``/``mono`` (households whose main
        family is a couple without / with children, a lone parent) and ``children``.
    variables
        ``P{yy}_`` variables of the *couples-familles-ménages* base.
    """
    yy, index, lag = _yy(year), CENSUS_YEARS.index(year), 2022 - year
    both = pyramid.sum(axis=0)
    pop = np.array([_age_sum(both, g) for g in AGE_GROUPS_15P])
    men_pop = np.array([_age_sum(popmen, g) for g in AGE_GROUPS_15P])
    pseul_rate = np.clip(np.array(profile.pseul) * noise.pseul * (1 - 0.012 * lag), 0, 0.7)
    couple_rate = np.clip(
        np.array(profile.couple) * noise.couple * (1 + 0.004 * lag), 0, 0.92 - pseul_rate
    )
    alone, couple = _q(men_pop * pseul_rate), _q(men_pop * couple_rate)
    variables = {f"P{yy}_POP15P": _age_sum(both, "15P")}
    for i, group in enumerate(AGE_GROUPS_15P):
        variables[f"P{yy}_POP{group}"] = float(pop[i])
        variables[f"P{yy}_POPMEN{group}"] = float(men_pop[i])
        variables[f"P{yy}_POP{group}_PSEUL"] = float(alone[i])
        variables[f"P{yy}_POP{group}_COUPLE"] = float(couple[i])
    variables.update(marital_status(pop, noise, yy))

    couples, pseul = float(couple.sum()) / 2.0, float(alone.sum())
    sfam = 0.025 / 0.975 * (pseul + couples)
    pmen = float(_q(popmen.sum()))
    # Everyone else lives in a family as a child or a lone parent (or an "other" member).
    rest = pmen - pseul - 2.0 * couples - 2.12 * sfam - 0.03 * couples
    per_family = profile.children[index] * noise.children
    lone = min(0.6, profile.lone_parent[index] * noise.lone_parent)
    families = max(rest, 0.0) / (per_family + lone * 1.05)
    cwc = min(0.85 * couples, families * (1.0 - lone))
    mono = families * lone
    children = families * per_family
    frame = {
        "men": pseul + sfam + couples + mono,
        "pmen": pmen,
        "pseul": pseul,
        "pseul_h": pseul * profile.men_alone,
        "sfam": sfam,
        "csc": couples - cwc,
        "cwc": cwc,
        "mono": mono,
        "children": children,
    }
    return frame, variables


def marital_status(pop: np.ndarray, noise: CommuneNoise, yy: str) -> dict[str, float]:
    """``P{yy}_POP15P_*`` marital statuses; single people are the remainder of each group."""
    shares = MARITAL * noise.marital
    shares = shares / np.maximum(1.0, shares.sum(axis=1, keepdims=True) / 0.97)
    counts = _q(pop[:, None] * shares)
    single = pop - counts.sum(axis=1)
    values = {
        f"P{yy}_POP15P_{name}": float(_q(counts[:, j].sum()))
        for j, name in enumerate(MARITAL_NAMES)
    }
    values[f"P{yy}_POP15P_CELIBATAIRE"] = float(_q(single.sum()))
    return values


def _draw_sample(
    rng: np.random.Generator, frame: dict[str, float], n: int, under25: float
) -> dict[str, int]:
    """Unweighted counts of one sample of ``n`` households drawn from the frame."""
    expected = np.array(
        [
            frame["pseul_h"],
            frame["pseul"] - frame["pseul_h"],
            frame["sfam"],
            frame["csc"],
            frame["cwc"],
            frame["mono"],
        ]
    )
    men_h, men_f, sfam, csc, cwc, mono = (
        int(k) for k in rng.multinomial(n, expected / expected.sum())
    )
    mean_children = frame["children"] / max(frame["cwc"] + frame["mono"], 1e-9)
    extra = rng.multinomial(rng.binomial(csc + cwc + mono, 0.015), (0.35, 0.25, 0.40))
    fam_csc, fam_cwc, fam_mono = csc + extra[0], cwc + extra[1], mono + extra[2]
    kids_cwc = 1 + rng.poisson(max(mean_children - 1.0, 0.05) + 0.05, fam_cwc)
    kids_mono = 1 + rng.poisson(max(mean_children - 1.3, 0.05), fam_mono)
    young_cwc = rng.binomial(kids_cwc, under25)
    young = np.concatenate(
        [np.zeros(fam_csc, dtype=np.int64), young_cwc, rng.binomial(kids_mono, under25)]
    )
    ne24 = np.bincount(np.minimum(young, 4), minlength=5)
    with_young = int((young_cwc > 0).sum())
    recomposed = int(rng.binomial(with_young, 0.11))
    lone_fathers = int(rng.binomial(fam_mono, 0.16))
    persons = {
        "PMEN_MENSFAM": 2 * sfam + int(rng.binomial(sfam, 0.12)),
        "PMEN_MENCOUPSENF": 2 * csc + int(rng.binomial(csc, 0.03)),
        "PMEN_MENCOUPAENF": int((2 + kids_cwc[:cwc]).sum()) + int(rng.binomial(cwc, 0.03)),
        "PMEN_MENFAMMONO": int((1 + kids_mono[:mono]).sum()) + int(rng.binomial(mono, 0.05)),
    }
    counts = {
        "MEN": n,
        "MENPSEUL": men_h + men_f,
        "MENHSEUL": men_h,
        "MENFSEUL": men_f,
        "MENSFAM": sfam,
        "MENFAM": csc + cwc + mono,
        "MENCOUPSENF": csc,
        "MENCOUPAENF": cwc,
        "MENFAMMONO": mono,
        "PMEN_MENPSEUL": men_h + men_f,
        "PMEN_MENHSEUL": men_h,
        "PMEN_MENFSEUL": men_f,
        **persons,
        "PMEN_MENFAM": (
            persons["PMEN_MENCOUPSENF"] + persons["PMEN_MENCOUPAENF"] + persons["PMEN_MENFAMMONO"]
        ),
        "FAM": fam_csc + fam_cwc + fam_mono,
        "COUPAENF": fam_cwc,
        "FAMMONO": fam_mono,
        "HMONO": lone_fathers,
        "FMONO": fam_mono - lone_fathers,
        "COUPSENF": fam_csc,
        "FAMTRAD": with_young - recomposed,
        "FAMRECOMP": recomposed,
    }
    counts.update({f"NE24F{k}": int(ne24[k]) for k in range(4)})
    counts["NE24F4P"] = int(ne24[4])
    counts["PMEN"] = counts["PMEN_MENPSEUL"] + persons["PMEN_MENSFAM"] + counts["PMEN_MENFAM"]
    return counts


def census_sample(
    rng: np.random.Generator,
    frame: dict[str, float],
    *,
    population: float,
    under25: float,
    year: int,
) -> dict[str, float]:
    """Complementary-exploitation ``C{yy}_`` variables: a weighted sample of households.

    The number of sampled households is binomial (1/4 of the households of communes under
    10 000 inhabitants, 40 % above). The commune weight (about 4-5) is calibrated on the
    principal-exploitation household population (rounded down, so that ``C_PMEN`` never
    exceeds it nor the population); every count is the sample count times that weight,
    so additive identities hold exactly.
    """
    fraction = SAMPLE_FRACTION_LARGE if population >= 10_000 else SAMPLE_FRACTION_SMALL
    n = max(int(rng.binomial(max(int(round(frame["men"])), 1), fraction)), 1)
    counts = _draw_sample(rng, frame, n, under25)
    weight = float(np.floor(min(frame["pmen"], population) / counts["PMEN"] * 1e6) / 1e6)
    yy = _yy(year)
    return {f"C{yy}_{name}": float(_q(count * weight)) for name, count in counts.items()}


# --------------------------------------------------------------------------------------
# Historical series (séries historiques): old censuses, births, deaths, dwellings
# --------------------------------------------------------------------------------------

HOUSEHOLD_SIZE_TREND = (1.05, 1.11, 1.18, 1.25, 1.32)  # by HISTORIC_YEARS, relative to 2011


def historical_series(
    rng: np.random.Generator,
    profile: Profile,
    record: dict[str, float],
    frames: dict[int, dict[str, float]],
    *,
    is_resort: bool,
) -> dict[str, float]:
    """``D{yy}_*``, ``P{yy}_LOG/RP/RSECOCC/LOGVAC/PMEN``, ``NAIS*``, ``DECE*`` and ``SUPERF``."""
    values: dict[str, float] = {}
    population = {year: record[f"P{_yy(year)}_POP"] for year in CENSUS_YEARS}
    ratio_pmen = frames[2011]["pmen"] / population[2011]
    size_2011 = frames[2011]["pmen"] / frames[2011]["men"]
    second = min(
        0.7, profile.second_homes * float(rng.lognormal(0.0, 0.3)) * (1.6 if is_resort else 1.0)
    )
    vacancy = min(0.25, profile.vacancy * float(rng.lognormal(0.0, 0.2)))
    for i, year in enumerate(HISTORIC_YEARS):
        yy = _yy(year)
        pop = int(round(population[2011] * profile.history[i] * rng.lognormal(0.0, 0.04)))
        population[year] = float(pop)
        pmen = int(round(pop * min(1.0, ratio_pmen + 0.002 * i)))
        rp: float = max(int(round(pmen / (size_2011 * HOUSEHOLD_SIZE_TREND[i]))), 1 if pmen else 0)
        share_s, share_v = _dwelling_shares(second, vacancy, year)
        log: float = int(round(rp / (1.0 - share_s - share_v)))
        rsec: float = int(round(log * share_s))
        values |= {
            f"D{yy}_POP": pop,
            f"D{yy}_PMEN": pmen,
            f"D{yy}_RP": rp,
            f"D{yy}_RSECOCC": rsec,
            f"D{yy}_LOGVAC": log - rp - rsec,
            f"D{yy}_LOG": log,
        }
    for year in CENSUS_YEARS:
        yy = _yy(year)
        share_s, share_v = _dwelling_shares(second, vacancy, year)
        rp = float(_q(frames[year]["men"]))
        log = rp / (1.0 - share_s - share_v)
        rsec, vac = float(_q(log * share_s)), float(_q(log * share_v))
        values |= {
            f"P{yy}_PMEN": frames[year]["pmen"],
            f"P{yy}_RP": rp,
            f"P{yy}_RSECOCC": rsec,
            f"P{yy}_LOGVAC": vac,
            f"P{yy}_LOG": float(_q(rp + rsec + vac)),
        }
    level = float(rng.lognormal(0.0, 0.10))
    for i, (start, end) in enumerate(PERIODS):
        person_years = (population[start] + population[end]) / 2.0 * (end - start)
        suffix = f"{_yy(start)}{_yy(end)}"
        values[f"NAIS{suffix}"] = int(rng.poisson(person_years * profile.births[i] / 1000 * level))
        values[f"DECE{suffix}"] = int(rng.poisson(person_years * profile.deaths[i] / 1000))
    values["SUPERF"] = round(float(rng.uniform(*profile.area)), 2)
    return values


def _dwelling_shares(second: float, vacancy: float, year: int) -> tuple[float, float]:
    """Shares of second homes and vacant dwellings in ``year`` (both rose since 1968)."""
    lag = (2022 - year) / 54.0
    return second * (1.0 - 0.45 * lag), vacancy * (1.0 - 0.40 * lag)


# --------------------------------------------------------------------------------------
# Commune records and the change of geography
# --------------------------------------------------------------------------------------


@dataclass
class CommuneData:
    """Everything generated for one commune of the old geography."""

    commune: Commune
    record: dict[str, float]  # every census / série historique variable
    frames: dict[int, dict[str, float]]  # household frames by census year


def build_commune(seed: int, index: int, commune: Commune) -> CommuneData:
    """Generate all census variables of one commune (old geography)."""
    profile = PROFILES[commune.profile]
    rng_pop = _rng(seed, _POPULATION, index)
    rng_sample = _rng(seed, _SAMPLE, index)
    noise = draw_noise(_rng(seed, _HOUSEHOLDS, index))
    totals = population_totals(rng_pop, commune, profile)
    record: dict[str, float] = {}
    frames: dict[int, dict[str, float]] = {}
    for year in CENSUS_YEARS:
        pyramid = age_pyramid(rng_pop, profile, totals[year], year)
        record.update(structure_variables(pyramid, year))
        popmen = household_population(pyramid, noise.institutions)
        frames[year], variables = household_frame(pyramid, popmen, profile, noise, year)
        record.update(variables)
        record.update(
            census_sample(
                rng_sample,
                frames[year],
                under25=profile.under25,
                population=record[f"P{_yy(year)}_POP"],
                year=year,
            )
        )
    record.update(
        historical_series(
            _rng(seed, _HISTORY, index),
            profile,
            record,
            frames,
            is_resort=commune.name.endswith("-les-Bains"),
        )
    )
    return CommuneData(commune, record, frames)


def _sum_dicts(dicts: Sequence[dict[str, float]]) -> dict[str, float]:
    """Key-wise sum of dictionaries with the same keys."""
    return {key: float(_q(sum(d[key] for d in dicts))) for key in dicts[0]}


def to_new_geography(data: Sequence[CommuneData]) -> dict[str, dict[str, float]]:
    """Records in the 2025 geography: merged communes are summed."""
    groups: dict[str, list[dict[str, float]]] = {}
    for item in data:
        groups.setdefault(new_code(item.commune.code), []).append(item.record)
    return {code: _sum_dicts(groups[code]) for code in sorted(groups)}


# --------------------------------------------------------------------------------------
# Filosofi
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Households:
    """Simulated fiscal households: niveau de vie, persons, consumption units, weight."""

    income: np.ndarray
    persons: np.ndarray
    units: np.ndarray
    weight: np.ndarray
    shares: np.ndarray  # income composition (%), one value per component

    @staticmethod
    def concat(parts: Sequence[Households]) -> Households:
        """Pool households; income composition is weighted by disposable income mass."""
        masses = np.array([p.mass for p in parts])
        shares = sum(p.shares * m for p, m in zip(parts, masses, strict=True)) / masses.sum()
        return Households(
            **{
                f: np.concatenate([getattr(p, f) for p in parts])
                for f in ("income", "persons", "units", "weight")
            },
            shares=shares,
        )

    @property
    def mass(self) -> float:
        """Total disposable income."""
        return float((self.income * self.units * self.weight).sum())


def simulate_households(
    rng: np.random.Generator,
    structure: dict[str, float],
    count: int,
    *,
    median: float,
    sigma: float,
    shares: np.ndarray,
    weight: float = 1.0,
) -> Households:
    """Draw ``count`` households: type, size, consumption units and niveau de vie.

    ``structure`` gives the relative numbers of each of :data:`HOUSEHOLD_TYPES` and
    ``children_per_family``; incomes per consumption unit are lognormal around ``median``
    with a shift by household type (lone parents poorer, couples without children richer).
    """
    p = np.array([structure[t] for t in HOUSEHOLD_TYPES])
    kinds = rng.choice(len(HOUSEHOLD_TYPES), size=count, p=p / p.sum())
    with_kids = kinds >= 3
    kids = np.where(
        with_kids, 1 + rng.poisson(max(structure["children_per_family"] - 1, 0.05), count), 0
    )
    adults = np.choose(
        kinds,
        [
            np.ones(count, dtype=np.int64),
            2 + rng.binomial(1, 0.12, count),
            np.full(count, 2),
            np.full(count, 2),
            np.ones(count, dtype=np.int64),
        ],
    )
    small_kids = rng.binomial(kids, 0.55)
    units = 1.0 + 0.5 * (adults - 1) + 0.5 * (kids - small_kids) + 0.3 * small_kids
    log_income = np.log(median) + TYPE_EFFECT[kinds] + sigma * rng.standard_normal(count)
    income = np.round(np.exp(log_income), 2)
    return Households(
        income,
        (adults + kids).astype(float),
        np.round(units, 1),
        np.full(count, weight),
        np.asarray(shares, dtype=float),
    )


def structure_of(frame: dict[str, float]) -> dict[str, float]:
    """Household-type structure of a frame, for :func:`simulate_households`."""
    structure = {t: frame[t] for t in ("pseul", "sfam", "csc", "cwc", "mono")}
    structure["children_per_family"] = frame["children"] / max(frame["cwc"] + frame["mono"], 1e-9)
    return structure


def weighted_quantiles(
    values: np.ndarray, weights: np.ndarray, probs: Sequence[float]
) -> np.ndarray:
    """Quantiles of a weighted distribution (first value whose cumulated weight reaches p)."""
    order = np.argsort(values, kind="stable")
    cumulated = np.cumsum(weights[order])
    index = np.searchsorted(cumulated, np.asarray(probs) * cumulated[-1], side="left")
    return values[order][np.minimum(index, values.size - 1)]


def income_statistics(households: Households, year: int) -> dict[str, float]:
    """Filosofi indicators of a pool of households (persons weighted by niveau de vie)."""
    weights = households.persons * households.weight
    probs = (0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9)
    values = weighted_quantiles(households.income, weights, probs)
    step = 10 if year >= 2019 else 1
    d1, d2, q1, d3, d4, q2, d6, d7, q3, d8, d9 = (int(step * round(v / step)) for v in values)
    order = np.argsort(households.income, kind="stable")
    income, w = households.income[order], weights[order]
    share_people = np.cumsum(w) / w.sum()
    mass = np.cumsum(income * w)
    share_income = mass / mass[-1]
    gini = 1.0 - float(
        np.sum(
            np.diff(share_people, prepend=0.0)
            * (share_income + np.concatenate([[0.0], share_income[:-1]]))
        )
    )
    top = mass[-1] - mass[np.searchsorted(share_people, 0.8)]
    bottom = mass[np.searchsorted(share_people, 0.2)]
    return {
        "NBMEN": int(round(households.weight.sum())),
        "NBPERS": int(round(weights.sum())),
        "NBUC": float((households.units * households.weight).sum()),
        "Q1": q1,
        "Q2": q2,
        "Q3": q3,
        "Q3_Q1": q3 - q1,
        "D1": d1,
        "D2": d2,
        "D3": d3,
        "D4": d4,
        "D6": d6,
        "D7": d7,
        "D8": d8,
        "D9": d9,
        "RD": d9 / d1,
        "S80S20": top / bottom,
        "GI": gini,
        **income_shares(households.shares),
    }


def income_shares(shares: np.ndarray) -> dict[str, int]:
    """Income composition in tenths of a percent, with INSEE's accounting identities.

    PACT = PTSA + PCHO + PBEN; PPSOC = PPFAM + PPMINI + PPLOGT; and
    PACT + PPEN + PPAT + PPSOC + PIMPOT = 100 (taxes are the negative remainder).
    """
    tenths = [int(round(10.0 * s)) for s in shares]
    ptsa, pcho, pben, ppen, ppat, ppfam, ppmini, pplogt = tenths
    pact, ppsoc = ptsa + pcho + pben, ppfam + ppmini + pplogt
    return {
        "PACT": pact,
        "PTSA": ptsa,
        "PCHO": pcho,
        "PBEN": pben,
        "PPEN": ppen,
        "PPAT": ppat,
        "PPSOC": ppsoc,
        "PPFAM": ppfam,
        "PPMINI": ppmini,
        "PPLOGT": pplogt,
        "PIMPOT": 1000 - (pact + ppen + ppat + ppsoc),
    }


@dataclass(frozen=True)
class IncomeUnit:
    """A commune in the geography of a Filosofi year, with its simulated households."""

    code: str
    name: str
    epci: str
    households: Households


def income_units(seed: int, data: Sequence[CommuneData], year: int) -> list[IncomeUnit]:
    """Simulate the fiscal households of every commune in the geography of ``year``.

    2016 uses the old geography (merged communes apart); 2019 the 2025 one. The household
    structure of 2019 is the mean of the 2016 and 2022 census frames.
    """
    groups: dict[str, list[CommuneData]] = {}
    for item in data:
        code = item.commune.code if year < 2019 else new_code(item.commune.code)
        groups.setdefault(code, []).append(item)
    units = []
    for code in sorted(groups):
        members = groups[code]
        head = members[0]
        params = _rng(seed, _INCOME, COMMUNES.index(head.commune))
        profile = PROFILES[head.commune.profile]
        median = profile.median * float(params.lognormal(0.0, 0.05))
        sigma = profile.sigma * float(params.lognormal(0.0, 0.05))
        shares = np.array(profile.shares) * params.lognormal(0.0, 0.05, len(profile.shares))
        if year < 2019:
            median *= INCOME_2016_FACTOR
            frame = _sum_dicts([m.frames[2016] for m in members])
        else:
            frame = _sum_dicts([m.frames[y] for m in members for y in (2016, 2022)])
            frame = {key: value / 2.0 for key, value in frame.items()}
        shares = shares * _rng(
            seed, _FILOSOFI, year * 100 + COMMUNES.index(head.commune)
        ).lognormal(0.0, 0.02, len(shares))
        # Positive components sum to 100 + taxes: keep the tax share near the profile's.
        shares = shares * sum(profile.shares) * float(params.lognormal(0.0, 0.01)) / shares.sum()
        rng = _rng(seed, _FILOSOFI, year * 1000 + COMMUNES.index(head.commune))
        count = int(round(frame["men"] * rng.uniform(0.95, 0.985)))
        households = simulate_households(
            rng, structure_of(frame), count, median=median, sigma=sigma, shares=shares
        )
        name = NEW_NAMES.get(code, head.commune.name) if year >= 2019 else head.commune.name
        units.append(IncomeUnit(code, name, head.commune.epci, households))
    return units


def france_households(seed: int, year: int, department: Households) -> Households:
    """The fictional France métropolitaine: the département plus a weighted synthetic rest."""
    rng = _rng(seed, _FILOSOFI, year)
    count = 200_000
    weight = (FRANCE_HOUSEHOLDS[year] - department.weight.sum()) / count
    median = FRANCE_MEDIAN * (INCOME_2016_FACTOR if year < 2019 else 1.0)
    rest = simulate_households(
        rng,
        FRANCE_STRUCTURE,
        count,
        median=median,
        sigma=FRANCE_SIGMA,
        shares=np.array(FRANCE_SHARES[year]),
        weight=weight,
    )
    return Households.concat([department, rest])


# --------------------------------------------------------------------------------------
# Column lists and French labels
# --------------------------------------------------------------------------------------

COUPL_FAM_MEN_2022 = (
    "C22_MEN;C22_MENPSEUL;C22_MENHSEUL;C22_MENFSEUL;C22_MENSFAM;C22_MENFAM;C22_MENCOUPSENF;"
    "C22_MENCOUPAENF;C22_MENFAMMONO;C22_PMEN;C22_PMEN_MENPSEUL;C22_PMEN_MENHSEUL;"
    "C22_PMEN_MENFSEUL;C22_PMEN_MENSFAM;C22_PMEN_MENFAM;C22_PMEN_MENCOUPSENF;"
    "C22_PMEN_MENCOUPAENF;C22_PMEN_MENFAMMONO;P22_POP15P;P22_POP1519;P22_POP2024;"
    "P22_POP2539;P22_POP4054;P22_POP5564;P22_POP6579;P22_POP80P;P22_POPMEN1519;"
    "P22_POPMEN2024;P22_POPMEN2539;P22_POPMEN4054;P22_POPMEN5564;P22_POPMEN6579;"
    "P22_POPMEN80P;P22_POP1519_PSEUL;P22_POP2024_PSEUL;P22_POP2539_PSEUL;P22_POP4054_PSEUL;"
    "P22_POP5564_PSEUL;P22_POP6579_PSEUL;P22_POP80P_PSEUL;P22_POP1519_COUPLE;"
    "P22_POP2024_COUPLE;P22_POP2539_COUPLE;P22_POP4054_COUPLE;P22_POP5564_COUPLE;"
    "P22_POP6579_COUPLE;P22_POP80P_COUPLE;P22_POP15P_MARIEE;P22_POP15P_PACSEE;"
    "P22_POP15P_CONCUB_UNION_LIBRE;P22_POP15P_VEUFS;P22_POP15P_DIVORCEE;"
    "P22_POP15P_CELIBATAIRE;C22_FAM;C22_COUPAENF;C22_FAMMONO;C22_HMONO;C22_FMONO;"
    "C22_COUPSENF;C22_NE24F0;C22_NE24F1;C22_NE24F2;C22_NE24F3;C22_NE24F4P;C22_FAMTRAD;"
    "C22_FAMRECOMP"
).split(";")
SHORT_C = (
    "MEN",
    "MENPSEUL",
    "MENSFAM",
    "MENFAM",
    "MENCOUPSENF",
    "MENCOUPAENF",
    "MENFAMMONO",
    "PMEN",
    "FAM",
    "COUPAENF",
    "FAMMONO",
    "COUPSENF",
)
NE24F = ("NE24F0", "NE24F1", "NE24F2", "NE24F3", "NE24F4P")
SERIE_HISTORIQUE_2022 = (
    "P22_POP;P16_POP;P11_POP;D99_POP;D90_POP;D82_POP;D75_POP;D68_POP;SUPERF;NAIS1622;"
    "NAIS1116;NAIS9911;NAIS9099;NAIS8290;NAIS7582;NAIS6875;DECE1622;DECE1116;DECE9911;"
    "DECE9099;DECE8290;DECE7582;DECE6875;P22_LOG;P16_LOG;P11_LOG;D99_LOG;D90_LOG;D82_LOG;"
    "D75_LOG;D68_LOG;P22_RP;P16_RP;P11_RP;D99_RP;D90_RP;D82_RP;D75_RP;D68_RP;P22_RSECOCC;"
    "P16_RSECOCC;P11_RSECOCC;D99_RSECOCC;D90_RSECOCC;D82_RSECOCC;D75_RSECOCC;D68_RSECOCC;"
    "P22_LOGVAC;P16_LOGVAC;P11_LOGVAC;D99_LOGVAC;D90_LOGVAC;D82_LOGVAC;D75_LOGVAC;"
    "D68_LOGVAC;P22_PMEN;P16_PMEN;P11_PMEN;D99_PMEN;D90_PMEN;D82_PMEN;D75_PMEN;D68_PMEN"
).split(";")
FILOSOFI_FIELDS = (
    "NBMEN",
    "NBPERS",
    "NBUC",
    "Q1",
    "Q2",
    "Q3",
    "Q3_Q1",
    "D1",
    "D2",
    "D3",
    "D4",
    "D6",
    "D7",
    "D8",
    "D9",
    "RD",
    "S80S20",
    "GI",
    "PACT",
    "PTSA",
    "PCHO",
    "PBEN",
    "PPEN",
    "PPAT",
    "PPSOC",
    "PPFAM",
    "PPMINI",
    "PPLOGT",
    "PIMPOT",
)


def evol_struct_columns(year: int, *, old_age_coding: bool = False) -> list[str]:
    """Columns of ``base-cc-evol-struct-pop`` for one vintage (75P coding if ``old``)."""
    yy = _yy(year)
    broad = BROAD_GROUPS_OLD if old_age_coding else BROAD_GROUPS
    columns = [f"P{yy}_POP"] + [f"P{yy}_POP{g}" for g in DETAILED_GROUPS + broad + LARGE_GROUPS]
    for sex in ("H", "F"):
        columns += [f"P{yy}_POP{sex}"] + [f"P{yy}_{sex}{g}" for g in broad + LARGE_GROUPS]
    return columns + [f"P{yy}_POP15P"]


def coupl_fam_men_columns(file_year: int) -> list[str]:
    """Columns of ``base-cc-coupl-fam-men`` of the 2022 or the 2016 distribution."""
    if file_year == 2022:
        return COUPL_FAM_MEN_2022 + [f"C16_{n}" for n in SHORT_C] + [f"C11_{n}" for n in SHORT_C]
    return (
        [f"C16_{n}" for n in SHORT_C]
        + [f"C16_{n}" for n in NE24F]
        + ["P16_POP15P"]
        + [f"C11_{n}" for n in SHORT_C]
    )


_C_LABELS = {
    "MEN": "Ménages",
    "MENPSEUL": "Ménages 1 personne",
    "MENHSEUL": "Mén 1 personne Hommes",
    "MENFSEUL": "Mén 1 personne Femmes",
    "MENSFAM": "Mén autres sans famille",
    "MENFAM": "Mén avec famille(s)",
    "MENCOUPSENF": "Mén fam princ Couple sans enfant",
    "MENCOUPAENF": "Mén fam princ Couple avec enfant(s)",
    "MENFAMMONO": "Mén fam princ Famille mono",
    "PMEN": "Pop Ménages",
    "FAM": "Familles",
    "COUPAENF": "Fam Couple avec enfant(s)",
    "FAMMONO": "Fam Monoparentales",
    "HMONO": "Fam Mono Homme seul avec enfant(s)",
    "FMONO": "Fam Mono Femme seule avec enfant(s)",
    "COUPSENF": "Fam Couple sans enfant",
    "NE24F0": "Fam 0 enfant de moins de 25 ans",
    "NE24F1": "Fam 1 enfant de moins de 25 ans",
    "NE24F2": "Fam 2 enfants de moins de 25 ans",
    "NE24F3": "Fam 3 enfants de moins de 25 ans",
    "NE24F4P": "Fam 4 enfants ou plus de moins de 25 ans",
    "FAMTRAD": "Familles traditionnelles",
    "FAMRECOMP": "Familles recomposées",
}
_MARITAL_LABELS = {
    "MARIEE": "mariée",
    "PACSEE": "pacsée",
    "CONCUB_UNION_LIBRE": "en concubinage ou union libre",
    "VEUFS": "veuve ou veuf",
    "DIVORCEE": "divorcée",
    "CELIBATAIRE": "célibataire",
}
_HOUSING_LABELS = {
    "LOG": "Logements",
    "RP": "Résidences principales",
    "RSECOCC": "Rés secondaires et logts occasionnels",
    "LOGVAC": "Logements vacants",
    "PMEN": "Pop ménages",
    "POP": "Population",
}


def label(code: str) -> str:
    """French label of a column, in INSEE's short style (``'Pop 0-14 ans en 2022 (princ)'``)."""
    if code == "CODGEO":
        return "Code géographique"
    if code == "SUPERF":
        return "Superficie (en km²)"
    if code[:4] in ("NAIS", "DECE"):
        kind = "Naissances" if code.startswith("NAIS") else "Décès"
        start, end = (
            2000 + int(code[i : i + 2])
            if int(code[i : i + 2]) < 50
            else 1900 + int(code[i : i + 2])
            for i in (4, 6)
        )
        return f"{kind} entre le 01/01/{start} et le 01/01/{end}"
    prefix, name = code.split("_", 1)
    year = 2000 + int(prefix[1:]) if int(prefix[1:]) < 50 else 1900 + int(prefix[1:])
    if prefix[0] == "D" or name in ("LOG", "RP", "RSECOCC", "LOGVAC"):
        return f"{_HOUSING_LABELS[name]} en {year}"
    if prefix[0] == "C":
        if name.startswith("PMEN_"):
            kind = _C_LABELS[name[5:]].removeprefix("Ménages ").removeprefix("Mén ")
            return f"Pop mén {kind} en {year} (compl)"
        return f"{_C_LABELS[name]} en {year} (compl)"
    return f"{_p_label(name)} en {year} (princ)"


def _p_label(name: str) -> str:
    """Label of a principal-exploitation variable name without its prefix."""
    simple = {
        "POP": "Population",
        "POPH": "Pop Hommes",
        "POPF": "Pop Femmes",
        "PMEN": "Pop ménages",
    }
    if name in simple:
        return simple[name]
    if name.startswith("POP15P_"):
        return f"Pop 15 ans ou plus {_MARITAL_LABELS[name[7:]]}"
    if name.startswith("POPMEN"):
        return f"Pop mén {_age_label(name[6:])}"
    if name.endswith(("_PSEUL", "_COUPLE")):
        group, what = name[3:].split("_")
        return f"Pop {_age_label(group)} {'vivant seule' if what == 'PSEUL' else 'en couple'}"
    if name.startswith("POP"):
        return f"Pop {_age_label(name[3:])}"
    return f"Pop {'Hommes' if name[0] == 'H' else 'Femmes'} {_age_label(name[1:])}"


# --------------------------------------------------------------------------------------
# Byte-level writers
# --------------------------------------------------------------------------------------


def fmt_decimal(value: float) -> str:
    """Decimal point, at most 10 decimals, no trailing zeros: ``12.5``, ``3``."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def fmt_comma(value: float, decimals: int) -> str:
    """Decimal comma with a fixed number of decimals: ``fmt_comma(3.4, 3) -> '3,400'``."""
    return f"{value:.{decimals}f}".replace(".", ",")


def csv_bytes(
    rows: Iterable[Sequence[str]], *, sep: str = ";", newline: str = "\n", bom: bool = False
) -> bytes:
    """Encode rows of already formatted cells (UTF-8, optional BOM)."""
    text = "".join(sep.join(row) + newline for row in rows)
    return ("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8")


def zip_bytes(members: Sequence[tuple[str, bytes]]) -> bytes:
    """A zip archive with fixed dates, permissions and (no) compression."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


APP_XML = (
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"><Application>Microsoft Excel</Application></Properties>'
)


def xlsx_bytes(workbook: Workbook) -> bytes:
    """Serialise a workbook deterministically.

    Document properties carry :data:`FIXED_DATETIME`, ``docProps/app.xml`` is replaced by
    a fixed text (openpyxl writes its own version there) and the zip entries are rewritten
    by :func:`zip_bytes`.
    """
    workbook.properties.creator = "ctgstats (données fictives)"
    workbook.properties.lastModifiedBy = "ctgstats.demo.generate"
    workbook.properties.created = FIXED_DATETIME
    workbook.properties.modified = FIXED_DATETIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        ExcelWriter(workbook, archive).write_data()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as archive:
        members = [
            (
                info.filename,
                APP_XML if info.filename == "docProps/app.xml" else archive.read(info.filename),
            )
            for info in archive.infolist()
        ]
    return zip_bytes(members)


def _sheet(
    workbook: Workbook,
    title: str,
    head: Sequence[str],
    labels: Sequence[str],
    codes: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    text_columns: int,
) -> None:
    """Write an INSEE-style sheet: title lines, long labels, codes, then data rows."""
    sheet = workbook.create_sheet(title)
    for line in head:
        sheet.append([line] if line else [])
    sheet.append(list(labels))
    sheet.append(list(codes))
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row][:text_columns]:
            cell.number_format = "@"


def _meta_member(columns: Sequence[str]) -> bytes:
    """The ``meta_`` member of an INSEE census zip (variable dictionary)."""
    rows = [
        ("COD_VAR", "LIB_VAR", "LIB_VAR_LONG", "COD_MOD", "LIB_MOD", "TYPE_VAR", "LONG_VAR"),
        (
            "CODGEO",
            label("CODGEO"),
            "Code du département suivi du numéro de commune - " + FICTION,
            "",
            "",
            "CHAR",
            "5",
        ),
    ]
    rows += [(c, label(c), f"{label(c)} - {FICTION}", "", "", "NUM", "17") for c in columns]
    return csv_bytes(rows)


def _census_zip(
    path: Path, base: str, columns: Sequence[str], records: dict[str, dict[str, float]]
) -> None:
    """Write ``{base}_csv.zip`` with ``{base}.CSV`` and ``meta_{base}.CSV``."""
    rows = [["CODGEO", *columns]]
    rows += [[code, *(fmt_decimal(rec[c]) for c in columns)] for code, rec in records.items()]
    path.write_bytes(
        zip_bytes([(f"{base}.CSV", csv_bytes(rows)), (f"meta_{base}.CSV", _meta_member(columns))])
    )


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


def write_census(out: Path, data: Sequence[CommuneData]) -> list[Path]:
    """All census files (RP2022 in the 2025 geography, RP2016 in the old one)."""
    rp = out / "insee" / "rp"
    rp.mkdir(parents=True, exist_ok=True)
    new = to_new_geography(data)
    old = {item.commune.code: item.record for item in data}
    evol22 = [c for y in (2022, 2016, 2011) for c in evol_struct_columns(y)]
    evol16 = [c for y in (2016, 2011) for c in evol_struct_columns(y, old_age_coding=True)]
    paths = []
    for name, columns, records in (
        ("base-cc-evol-struct-pop-2022", evol22, new),
        ("base-cc-serie-historique-2022", SERIE_HISTORIQUE_2022, new),
        ("base-cc-evol-struct-pop-2016", evol16, old),
        ("base-cc-coupl-fam-men-2016", coupl_fam_men_columns(2016), old),
    ):
        paths.append(rp / f"{name}_csv.zip")
        integer = [c for c in columns if c[:4] in ("NAIS", "DECE") or c[0] == "D"]
        _census_zip(
            paths[-1],
            name,
            columns,
            {k: {**v, **{c: int(v[c]) for c in integer}} for k, v in records.items()},
        )
    paths.append(rp / "base-cc-coupl-fam-men-2022.xlsx")
    paths[-1].write_bytes(coupl_fam_men_xlsx(new))
    return sorted(paths)


def coupl_fam_men_xlsx(records: dict[str, dict[str, float]]) -> bytes:
    """``base-cc-coupl-fam-men-2022.xlsx``: sheets ``COM`` (data) and ``ARM`` (empty)."""
    columns = coupl_fam_men_columns(2022)
    head = (
        "Couples - Familles - Ménages en 2022",
        f"Recensement de la population - Base communale - {FICTION.upper()}",
        "Zone : département fictif 00 (données fictives)",
        "",
    )
    codes = ["CODGEO", "REG", "DEP", "LIBGEO", *columns]
    labels = [
        "Code géographique",
        "Région",
        "Département",
        "Libellé commune ou ARM",
        *(label(c) for c in columns),
    ]
    names = {code: name for code, name, _ in new_communes()}
    rows = [
        [code, REG_CODE, DEP_CODE, names[code], *(float(fmt_decimal(rec[c])) for c in columns)]
        for code, rec in records.items()
    ]
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "COM", head, labels, codes, rows, text_columns=3)
    _sheet(workbook, "ARM", head, labels, codes, [], text_columns=3)
    return xlsx_bytes(workbook)


def write_filosofi(out: Path, seed: int, data: Sequence[CommuneData]) -> list[Path]:
    """``FILO{YYYY}_DISP_{COM,EPCI,DEP,METROPOLE}.csv`` for 2016 (old geography) and 2019."""
    folder = out / "insee" / "filosofi"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for year in FILOSOFI_YEARS:
        units = income_units(seed, data, year)
        department = Households.concat([u.households for u in units])
        levels = {
            "COM": [(u.code, u.name, income_statistics(u.households, year)) for u in units],
            "EPCI": [
                (
                    e.code,
                    e.name,
                    income_statistics(
                        Households.concat([u.households for u in units if u.epci == e.code]), year
                    ),
                )
                for e in EPCIS
            ],
            "DEP": [(DEP_CODE, DEP_NAME, income_statistics(department, year))],
            "METROPOLE": [
                (
                    FRANCE_CODE,
                    FRANCE_NAME,
                    income_statistics(france_households(seed, year, department), year),
                )
            ],
        }
        for level, rows in levels.items():
            paths.append(folder / f"FILO{year}_DISP_{level}.csv")
            paths[-1].write_bytes(filosofi_bytes(rows, year, secrecy=level == "COM"))
    return paths


def filosofi_bytes(
    rows: Sequence[tuple[str, str, dict[str, float]]], year: int, *, secrecy: bool
) -> bytes:
    """A Filosofi file: BOM, CRLF, ``;``, decimal comma, INSEE's statistical secrecy.

    With ``secrecy``, units of fewer than 50 households are left out and units of fewer
    than 1 000 households only show NBMEN, NBPERS, NBUC and the median (other cells empty).
    """
    yy = _yy(year)
    header = ["CODGEO", "LIBGEO"] + [f if f in ("Q3_Q1", "RD") else f + yy for f in FILOSOFI_FIELDS]
    lines = [header]
    for code, name, stats in rows:
        if secrecy and stats["NBMEN"] < 50:
            continue
        cells = [_filosofi_cell(field, stats[field], year) for field in FILOSOFI_FIELDS]
        if secrecy and stats["NBMEN"] < 1000:
            shown = {"NBMEN", "NBPERS", "NBUC", "Q2"}
            cells = [c if f in shown else "" for f, c in zip(FILOSOFI_FIELDS, cells, strict=True)]
        lines.append([code, name, *cells])
    return csv_bytes(lines, newline="\r\n", bom=True)


def _filosofi_cell(field: str, value: float, year: int) -> str:  # noqa: ARG001 - the same signature for every vintage
    """Format one Filosofi value like INSEE (see the 2016 and 2019 originals)."""
    if field == "NBUC":
        return fmt_comma(float(value), 1)
    if field == "RD":
        return fmt_comma(float(value), 1)
    if field in ("S80S20", "GI"):
        return fmt_comma(float(value), 3)
    if field.startswith("P"):
        return fmt_comma(int(value) / 10.0, 1)
    return str(int(value))


def write_cog(out: Path) -> list[Path]:
    """COG 2025: EPCI composition XLSX and the commune movements CSV."""
    folder = out / "insee" / "cog"
    folder.mkdir(parents=True, exist_ok=True)
    communes = new_communes()
    epci_names = {e.code: e.name for e in EPCIS}
    head = (
        "Intercommunalité - Métropole au 01-01-2025",
        "Source : Insee, Code officiel géographique 2025 — DONNÉES FICTIVES "
        "(démonstration ctgstats)",
        "Territoire fictif : département 00 « Val-d'Exemple », aucune donnée réelle",
        "",
    )
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        "EPCI",
        head,
        (
            "EPCI - Métropole",
            "Libellé de l'EPCI / Métropole",
            "Nature d'EPCI",
            "Nombre de communes",
        ),
        ("EPCI", "LIBEPCI", "NATURE_EPCI", "NB_COM"),
        [(e.code, e.name, e.nature, sum(c[2] == e.code for c in communes)) for e in EPCIS],
        text_columns=3,
    )
    _sheet(
        workbook,
        "Composition_communale",
        head,
        (
            "Code géographique",
            "Libellé géographique",
            "EPCI - Métropole",
            "Libellé de l'EPCI / Métropole",
            "Département",
            "Région",
        ),
        ("CODGEO", "LIBGEO", "EPCI", "LIBEPCI", "DEP", "REG"),
        [(code, name, epci, epci_names[epci], DEP_CODE, REG_CODE) for code, name, epci in communes],
        text_columns=6,
    )
    xlsx_path = folder / "Intercommunalite_Metropole_au_01-01-2025.xlsx"
    xlsx_path.write_bytes(xlsx_bytes(workbook))
    mvt_path = folder / "v_mvt_commune_2025.csv"
    mvt_path.write_bytes(csv_bytes(movement_rows(), sep=","))
    return [xlsx_path, mvt_path]


def _ncc(name: str) -> str:
    """INSEE's *nom en clair*: uppercase, no accents, hyphens and apostrophes as spaces."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return plain.upper().replace("-", " ").replace("'", " ")


def movement_rows() -> list[list[str]]:
    """``v_mvt_commune_2025.csv`` rows of the commune nouvelle (MOD 32, 2019-01-01).

    For each former commune INSEE writes one row towards the commune nouvelle (``COM``)
    and one towards the commune déléguée it becomes (``COMD``).
    """
    header = [
        "MOD",
        "DATE_EFF",
        "TYPECOM_AV",
        "COM_AV",
        "TNCC_AV",
        "NCC_AV",
        "NCCENR_AV",
        "LIBELLE_AV",
        "TYPECOM_AP",
        "COM_AP",
        "TNCC_AP",
        "NCC_AP",
        "NCCENR_AP",
        "LIBELLE_AP",
    ]
    names = {c.code: c.name for c in COMMUNES}

    def side(kind: str, code: str, name: str) -> list[str]:
        return [kind, code, "0", _ncc(name), name, name]

    rows = [header]
    for target, new_name in NEW_NAMES.items():
        former = [target] + sorted(k for k, v in MERGED.items() if v == target)
        for code in former:
            rows.append(
                ["32", MERGE_DATE, *side("COM", code, names[code]), *side("COM", target, new_name)]
            )
            rows.append(
                [
                    "32",
                    MERGE_DATE,
                    *side("COM", code, names[code]),
                    *side("COMD", code, names[code]),
                ]
            )
    return rows


README = """# Données de démonstration — ENTIÈREMENT FICTIVES / Demo data — ENTIRELY FICTIONAL

**Français.** Ces fichiers décrivent un territoire qui n'existe pas : le département fictif
`00` « Val-d'Exemple », sa région fictive `00` et 4 EPCI fictifs (SIREN `000000101` à
`000000104`). Aucun chiffre ne décrit un lieu réel. Ils reproduisent exactement les formats
de diffusion de l'Insee (noms de fichiers et de colonnes, séparateurs, encodages, secret
statistique de Filosofi) pour que ctgstats puisse être essayé et testé sans données réelles.
Ils sont produits par `python -m ctgstats.demo.generate` (graine {seed}) ; relancer la
commande redonne des fichiers identiques à l'octet près (vérifié par les tests).

**English.** These files describe a territory that does not exist: fictional département
`00` "Val-d'Exemple", fictional region `00` and 4 fictional EPCIs (SIREN `000000101` to
`000000104`). No number describes a real place. They copy INSEE's distribution formats
exactly (file and column names, separators, encodings, Filosofi statistical secrecy) so
that ctgstats can be tried and tested without real data. They are generated by
`python -m ctgstats.demo.generate` (seed {seed}); rerunning it gives byte-identical files
(checked by the tests).

## Territoire / Territory (géographie au 01/01/2025)

| EPCI | Libellé | Nature | Communes |
|---|---|---|---|
{epci_rows}

Fusion fictive / fictional merge: `00012` « Vallon-Haut » + `00013` « Vallon-Bas » →
commune nouvelle `00012` « Vallons-Fictifs » au 01/01/2019. Les fichiers en géographie
2025 (RP2022, Filosofi 2019, COG 2025) ne contiennent que `00012` (somme des deux) ;
les fichiers en géographie antérieure (RP2016, Filosofi 2016) contiennent les deux codes.

## Fichiers / Files

| Fichier | Contenu |
|---|---|
| `insee/rp/base-cc-evol-struct-pop-2022_csv.zip` | RP2022, population par âge et sexe, millésimes 2022, 2016, 2011 (CSV `;`, point décimal + `meta_`) |
| `insee/rp/base-cc-coupl-fam-men-2022.xlsx` | RP2022, couples, familles, ménages (feuilles `COM` et `ARM`, en-têtes sur 6 lignes) |
| `insee/rp/base-cc-serie-historique-2022_csv.zip` | Séries historiques 1968-2022 : population, naissances, décès, logements |
| `insee/rp/base-cc-logement-2022_csv.zip` | RP2022, logement : parc, statut d'occupation, pièces, époque d'achèvement (`P22_RP_ACH1919` …), emménagement, voitures, peuplement (`C22_RP_NORME` …) ; stock et statut 2016 et 2011 |
| `insee/rp/base-cc-logement-2016_csv.zip` | RP2016, logement (géographie antérieure ; époques `P16_RP_ACH19` … `P16_RP_ACH13`, suroccupation `C16_RP_HSTU1P_SUROCC`) |
| `insee/rp/base-cc-evol-struct-pop-2016_csv.zip` | RP2016 (géographie antérieure, codage d'âge `75P`) |
| `insee/rp/base-cc-coupl-fam-men-2016_csv.zip` | RP2016 (géographie antérieure) |
| `insee/filosofi/FILO2016_DISP_{{COM,EPCI,DEP,METROPOLE}}.csv` | Filosofi 2016 (BOM, CRLF, virgule décimale, secret statistique) |
| `insee/filosofi/FILO2019_DISP_{{COM,EPCI,DEP,METROPOLE}}.csv` | Filosofi 2019 |
| `insee/filosofi/FILO{{2016,2019}}_DISP_Pauvres_{{COM,EPCI,DEP,METROPOLE}}.csv` | Filosofi, taux de pauvreté au seuil de 60 % (ensemble, âge du référent fiscal, statut d'occupation, intensité) calculés sur les mêmes ménages simulés ; plancher de 5 %, secret sous 1 000 ménages (`ctgstats.demo.poverty`) |
| `insee/cog/Intercommunalite_Metropole_au_01-01-2025.xlsx` | Composition communale des EPCI (feuilles `EPCI`, `Composition_communale`) |
| `insee/cog/v_mvt_commune_2025.csv` | Mouvements des communes (création de la commune nouvelle) |
| `insee/rp/base-cc-emploi-pop-active-{{2022,2016}}_csv.zip` | RP2022 (avec les colonnes 2016) et RP2016 (avec 2011, géographie antérieure) : population active, emploi, chômage déclaré |
| `insee/rp/base-cc-diplomes-formation-{{2022,2016}}_csv.zip` | Scolarisation et diplômes ; regroupement ancien (`DIPLMIN` inclut le BEPC, `SUP` unique) pour 2016 et 2011 |
| `insee/rp/base-cc-caract_emp-2022_csv.zip` | Lieu de travail et mode de transport des actifs occupés (RP2022) |
| `observatoire/neet/neet_{{communes,epci,dpt,region}}_2022.csv` | Part des 15-24 ans ni en emploi ni en formation, 2011, 2016, 2022 (format de l'Observatoire des territoires : BOM, CRLF, virgule décimale) |
| `caf/txcouv_pe_{{com,epci,dep,nat}}.csv` | Cnaf (Onape), taux de couverture de l'accueil du jeune enfant 2022–2025 : global et par mode (EAJE PSU et hors PSU, école préélémentaire, assistants maternels, garde à domicile), format d'export data.caf.fr (`;`, point décimal) ; fichier communal limité aux communes de 10 000 habitants ou plus (`ctgstats.demo.childcare`) |
| `caf/txcouv_pe_{{com,epci,dep,nat}}_hist.csv` | Mêmes taux, 2019–2022 (fichiers historiques ; 2022 identique dans les deux) |
| `sdes/rpls/resultats_rpls_{{2023,2024}}.xlsx` | Parc locatif social au 1er janvier (format des « résultats RPLS » du SDES : feuilles `COMMUNE`, `EPCI`, `DEPARTEMENT`, `REGION`, en-tête technique en ligne 6 ; `nb_ls`, `nb_loues`, `nb_vacants`, `tx_vac`, `tx_mob`, `loymoy`, et `nb_ls` de l'année précédente) ; parc 2022 ≈ 1,1 × locataires HLM du RP2022 ; taux masqués sous 5 logements (`ctgstats.demo.rpls`) |
| `dispositifs/inventaire_dispositifs.csv` | Inventaire fictif de 15 dispositifs de la CC du Haut-Val (modèle de `ctgstats dispositifs-modele` : `;`, UTF-8 avec BOM ; codes du schéma data·inclusion 1.0.8), lu par le carnet `10_dispositifs` (`ctgstats.demo.dispositifs`) |
| `geo/communes-00-2018/communes-00-val-d-exemple.geojson`, `departement-00-val-d-exemple.geojson` | Contours fictifs des 43 communes (géographie 2018, avant la fusion de 00012 et 00013) et du département, au format de l'extrait IGN Admin Express COG (GeoJSON WGS84, 5 décimales, propriétés `code`, `nom`) : cellules de Voronoï des chefs-lieux fixes de `ctgstats.demo.geography`, en mer (x < 0 en Lambert 93) (`ctgstats.demo.contours`) |

Les valeurs du recensement sont des estimations pondérées avec décimales ; les variables
`C..` (exploitation complémentaire) sont des multiples d'un poids communal d'environ 4 à 5.
Census values are weighted estimates with decimals; `C..` variables (complementary
exploitation) are multiples of a commune weight of about 4 to 5.
"""


def write_readme(out: Path, seed: int) -> Path:
    """README.md (French and English) describing the fictional data."""
    communes = new_communes()
    epci_rows = "\n".join(
        f"| `{e.code}` | {e.name} | {e.nature} | {sum(c[2] == e.code for c in communes)} |"
        for e in EPCIS
    )
    path = out / "README.md"
    path.write_bytes(README.format(seed=seed, epci_rows=epci_rows).encode("utf-8"))
    return path


def generate(output_dir: Path, *, seed: int = DEFAULT_SEED) -> list[Path]:
    """Generate every file of the fictional demo territory.

    Parameters
    ----------
    output_dir
        Folder receiving ``README.md`` and ``insee/...``; created if needed.
    seed
        Seed of every random stream.

    Returns
    -------
    list of Path
        The written files.
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    data = [build_commune(seed, i, commune) for i, commune in enumerate(COMMUNES)]
    paths = [
        write_readme(output_dir, seed),
        *write_census(output_dir, data),
        *write_filosofi(output_dir, seed, data),
        *write_cog(output_dir),
    ]
    for spec in NOTEBOOKS:  # each chapter of the catalogue writes its own demo files
        for entry in spec.demo:
            module, _, function = entry.partition(":")
            writer = getattr(importlib.import_module(module), function)
            paths.extend(writer(output_dir, seed, data))
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m ctgstats.demo.generate [--output DIR] [--seed N]``."""
    from ctgstats.demo import DATA_DIR

    parser = argparse.ArgumentParser(description="Génère le territoire fictif de démonstration.")
    parser.add_argument(
        "--output",
        type=Path,
        default=DATA_DIR,
        help="dossier de sortie (défaut : le dossier demo/data du paquet)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="graine aléatoire")
    args = parser.parse_args(argv)
    for path in generate(args.output, seed=args.seed):
        print(path)


if __name__ == "__main__":
    # Run the package module, not this __main__ copy: the chapters' demo writers import
    # ctgstats.demo.generate, whose classes must be the ones the data is built with.
    from ctgstats.demo.generate import main as package_main

    package_main()
