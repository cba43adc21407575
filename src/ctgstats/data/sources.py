"""Registry of the data sources ctgstats reads, by id, vintage and level.

Each :class:`SourceSpec` says what a file is (French title, producer), how to
recognise it on disk (file-name globs), where to download it (a URL pinned to the
vintage, never a "latest" link), how to read it (archive member, sheet) and in which
COG geography its codes are (``geography_year``).

:func:`discover` walks data directories and recognises files by name, including
vintages absent from :data:`REGISTRY` (it then makes a spec on the fly, without URL).

URLs come from INSEE's download pages as cited by public code (see each spec's
``notes``); none could be fetched from this environment, so no checksum is pinned
(``sha256=None``): :func:`ctgstats.data.download.fetch` then records the hash of the first
download (trust on first use) and verifies it afterwards.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from ctgstats.core.errors import InputError
from ctgstats.core.files import file_sha256

__all__ = [
    "CENSUS_SOURCE_IDS",
    "CONTOURS_SOURCE",
    "FILOSOFI_LEVELS",
    "NEET_LEVELS",
    "REGISTRY",
    "SOURCE_IDS",
    "DiscoveryConflictError",
    "FoundFile",
    "SourceSpec",
    "UnknownSourceError",
    "discover",
    "get_source",
    "spec_for",
]

INSEE_FILES = "https://www.insee.fr/fr/statistiques/fichier"

#: Geographic levels of the Filosofi ``FILOyyyy_DISP_<level>`` files.
FILOSOFI_LEVELS: tuple[str, ...] = ("COM", "EPCI", "DEP", "REG", "METROPOLE")

#: Levels of the Observatoire des territoires NEET files, by the tag of their names.
NEET_LEVELS: dict[str, str] = {"communes": "COM", "epci": "EPCI", "dpt": "DEP", "region": "REG"}

#: File suffixes :func:`discover` considers (case-insensitive).
DATA_FILE_SUFFIXES: tuple[str, ...] = (".csv", ".zip", ".xlsx", ".geojson", ".shp")

#: Preference between copies of the same source: lower is preferred.
FORMAT_PREFERENCE: dict[str, int] = {".csv": 0, ".zip": 1, ".xlsx": 2, ".geojson": 3, ".shp": 4}

#: Source of the commune and département contours (:mod:`ctgstats.data.contours`).
CONTOURS_SOURCE = "ign_contours"


@dataclass(frozen=True)
class SourceSpec:
    """One downloadable table: a source id, a vintage and possibly a level.

    Attributes
    ----------
    id : str
        Source id, e.g. ``"rp_evol_struct_pop"``.
    vintage : int
        Millésime: census year, Filosofi income year, COG year.
    title : str
        French title, as shown in reports.
    producer : str
        Producing body.
    filename_patterns : tuple of str
        Globs matched case-insensitively against file names by :func:`discover`.
    url : str or None
        Download URL pinned to this vintage; None when not established.
    sha256 : str or None
        Pinned SHA-256 of the downloaded file; None when not established.
    archive_member : str or None
        Data member to read when the file is a zip holding several tables.
    sheet : str or None
        Workbook sheet to read when the data is an xlsx.
    level : str or None
        Geographic level (``COM``, ``EPCI``, ``DEP``, ``REG``, ``METROPOLE``).
    geography_year : int or None
        COG year of the codes in the file (RP2022 → 2025).
    notes : str
        How the URL was established, and anything a user must know to exploit it.
    """

    id: str
    vintage: int
    title: str
    producer: str
    filename_patterns: tuple[str, ...]
    url: str | None = None
    sha256: str | None = None
    archive_member: str | None = None
    sheet: str | None = None
    level: str | None = None
    geography_year: int | None = None
    notes: str = ""

    @property
    def key(self) -> tuple[str, int, str | None]:
        """``(id, vintage, level)``."""
        return (self.id, self.vintage, self.level)

    @property
    def filename(self) -> str | None:
        """File name of the download (last segment of the URL), or None."""
        if not self.url:
            return None
        return PurePosixPath(self.url.split("?", 1)[0]).name

    def matches(self, name: str) -> bool:
        """Tell whether a file name matches one of the globs (case-insensitively)."""
        lowered = name.lower()
        return any(fnmatch.fnmatchcase(lowered, glob.lower()) for glob in self.filename_patterns)


@dataclass(frozen=True)
class FoundFile:
    """A file found on disk for a source.

    Attributes
    ----------
    source : SourceSpec
        The spec (from the registry, or made on the fly for an unknown vintage).
    path : Path
        The chosen file.
    vintage : int
        The vintage read from the file name.
    level : str or None
        The geographic level, for Filosofi.
    alternatives : tuple of Path
        Other copies found for the same source, vintage and level (not chosen).
    """

    source: SourceSpec
    path: Path
    vintage: int
    level: str | None
    alternatives: tuple[Path, ...] = ()

    @property
    def member(self) -> str | None:
        """Archive member to read (zip files only)."""
        return self.source.archive_member if self.path.suffix.lower() == ".zip" else None

    @property
    def sheet(self) -> str | None:
        """Sheet to read (workbooks, or zips holding a workbook)."""
        if self.path.suffix.lower() in (".xlsx", ".zip"):
            return self.source.sheet
        return None

    def read_table(self, **options: Any) -> Any:
        """Read this file with :func:`ctgstats.data.readers.read_table` (member and sheet set)."""
        from ctgstats.data.readers import read_table

        return read_table(self.path, member=self.member, sheet=self.sheet, **options)


class UnknownSourceError(InputError, LookupError):
    """No registry entry for a source id, vintage and level."""


class DataFolderError(InputError, FileNotFoundError):
    """A data folder given on the command line does not exist."""


class DiscoveryConflictError(InputError, ValueError):
    """Two different files claim the same source, vintage and level in the same format."""


# --------------------------------------------------------------------------- families


@dataclass(frozen=True)
class _Family:
    """What all vintages of one source share, and how to make a spec for any vintage."""

    id: str
    title: str  # with {vintage} and {level}
    producer: str
    geography_offset: int
    patterns: tuple[str, ...]  # globs with {vintage}, {level}
    name_regex: re.Pattern[str]
    level_of: Callable[[re.Match[str]], tuple[str | None, ...]] = lambda m: (None,)  # noqa: ARG005 - default of a callback
    member_of: Callable[[int, str | None], str | None] = lambda v, lvl: None  # noqa: ARG005 - default of a callback
    sheet: str | None = None
    notes: str = ""
    census: bool = False
    """A commune base of the census (``P..``/``C..`` columns), read by the portrait."""
    vintage_of: Callable[[re.Match[str]], int] | None = None
    """Vintage read from the match when the first group of digits is not the year."""

    def spec(self, vintage: int, level: str | None = None, **fields: Any) -> SourceSpec:
        values = {"vintage": vintage, "level": level or ""}
        patterns = tuple(p.format(**values) for p in self.patterns)
        base = SourceSpec(
            id=self.id,
            vintage=vintage,
            title=self.title.format(**values),
            producer=self.producer,
            filename_patterns=patterns,
            archive_member=self.member_of(vintage, level),
            sheet=self.sheet,
            level=level,
            geography_year=vintage + self.geography_offset,
            notes=self.notes,
        )
        return replace(base, **fields) if fields else base

    def parse(self, name: str) -> list[tuple[int, str | None]]:
        match = self.name_regex.match(name)
        if not match:
            return []
        if self.vintage_of is not None:
            vintage = self.vintage_of(match)
        else:
            year = next((g for g in match.groups() if g and g.isdigit()), None)
            vintage = int(year) if year else 0  # 0: a multi-year file without a year in its name
            if 0 < vintage < 100:  # two-digit year of a name (``bpe21_ensemble``): 2000 + yy
                vintage += 2000
        return [(vintage, level) for level in self.level_of(match)]


_RP_NOT_OVERSEAS = r"(?!\d)(?!-COM\b)"

_RP_NOTES = (
    "Commune-level base of the census (RP): counts are weighted estimates with decimals. "
    "CODGEO in the geography of 1 January of vintage + 3."
)

_FAMILIES: dict[str, _Family] = {
    family.id: family
    for family in (
        _Family(
            id="rp_evol_struct_pop",
            title="Évolution et structure de la population en {vintage} — recensement, "
            "base communale",
            producer="Insee, recensement de la population",
            geography_offset=3,
            patterns=("base-cc-evol-struct-pop-{vintage}*", "base-ccc-evol-struct-pop-{vintage}*"),
            name_regex=re.compile(
                r"^base-ccc?-evol-struct-pop-(\d{4})" + _RP_NOT_OVERSEAS, re.IGNORECASE
            ),
            census=True,
            notes=_RP_NOTES,
        ),
        _Family(
            id="rp_coupl_fam_men",
            title="Couples - Familles - Ménages en {vintage} — recensement, base communale",
            producer="Insee, recensement de la population",
            geography_offset=3,
            patterns=("base-cc-coupl-fam-men-{vintage}*", "base-ccc-coupl-fam-men-{vintage}*"),
            name_regex=re.compile(
                r"^base-ccc?-coupl-fam-men-(\d{4})" + _RP_NOT_OVERSEAS, re.IGNORECASE
            ),
            census=True,
            notes=_RP_NOTES + " C.. variables come from the complementary exploitation.",
        ),
        _Family(
            id="rp_serie_historique",
            title="Séries historiques du recensement {vintage} — base communale",
            producer="Insee, recensements de la population et état civil",
            geography_offset=3,
            patterns=(
                "base-cc-serie-historique-{vintage}*",
                "base-ccc-serie-historique-{vintage}*",
            ),
            name_regex=re.compile(
                r"^base-ccc?-serie-historique-(\d{4})" + _RP_NOT_OVERSEAS, re.IGNORECASE
            ),
            census=True,
            notes=_RP_NOTES + " Births/deaths between census dates: NAISyyyy, DECEyyyy.",
        ),
        _Family(
            id="rp_logement",
            title="Logement en {vintage} — recensement, base communale",
            producer="Insee, recensement de la population",
            geography_offset=3,
            patterns=("base-cc-logement-{vintage}*", "base-ccc-logement-{vintage}*"),
            name_regex=re.compile(r"^base-ccc?-logement-(\d{4})" + _RP_NOT_OVERSEAS, re.IGNORECASE),
            census=True,
            notes=_RP_NOTES + " Dwellings and main homes; C.. (overcrowding) come from the "
            "complementary exploitation.",
        ),
        _Family(
            id="rp_emploi_pop_active",
            title="Emploi - Population active en {vintage} — recensement, base communale",
            producer="Insee, recensement de la population",
            geography_offset=3,
            patterns=(
                "base-cc-emploi-pop-active-{vintage}*",
                "base-ccc-emploi-pop-active-{vintage}*",
            ),
            name_regex=re.compile(
                r"^base-ccc?-emploi-pop-active-(\d{4})" + _RP_NOT_OVERSEAS, re.IGNORECASE
            ),
            census=True,
            notes=_RP_NOTES + " Activity, employment and self-declared unemployment (P..); "
            "jobs by sector and socio-professional group are C.. variables.",
        ),
        _Family(
            id="rp_diplomes_formation",
            title="Diplômes - Formation en {vintage} — recensement, base communale",
            producer="Insee, recensement de la population",
            geography_offset=3,
            patterns=(
                "base-cc-diplomes-formation-{vintage}*",
                "base-ccc-diplomes-formation-{vintage}*",
            ),
            name_regex=re.compile(
                r"^base-ccc?-diplomes-formation-(\d{4})" + _RP_NOT_OVERSEAS, re.IGNORECASE
            ),
            census=True,
            notes=_RP_NOTES + " Diploma groups change between vintages: up to RP2016 "
            "NSCOL15P_DIPLMIN includes the BEPC and SUP is a single group.",
        ),
        _Family(
            id="rp_caract_emp",
            title="Caractéristiques de l'emploi en {vintage} — recensement, base communale",
            producer="Insee, recensement de la population",
            geography_offset=3,
            patterns=("base-cc-caract_emp-{vintage}*", "base-ccc-caract_emp-{vintage}*"),
            name_regex=re.compile(
                r"^base-ccc?-caract_emp-(\d{4})" + _RP_NOT_OVERSEAS, re.IGNORECASE
            ),
            census=True,
            notes=_RP_NOTES + " Place of work (ACTOCC15P_ILT1, ILT2P) and main mode of "
            "transport to work (P22_ACTOCC15P_VOITURE …; C.. variables in older vintages).",
        ),
        _Family(
            id="filosofi_disp",
            title="Revenus disponibles et niveau de vie en {vintage} (Filosofi) — niveau {level}",
            producer="Insee-DGFiP-Cnaf-Cnav-CCMSA, Fichier localisé social et fiscal (Filosofi)",
            geography_offset=1,
            patterns=("FILO{vintage}_DISP_{level}.*",),
            name_regex=re.compile(
                r"^(?:FILO(\d{4})_DISP_(COM|EPCI|DEP|REG|METROPOLE)\b"
                r"|indic-struct-distrib-revenu-(\d{4})-(COMMUNES|SUPRA))",
                re.IGNORECASE,
            ),
            level_of=lambda m: _filosofi_levels(m),
            member_of=lambda v, level: f"FILO{v}_DISP_{level}.csv" if level else None,
            notes="Decimal comma, UTF-8 with BOM; blank cells are statistical secrecy "
            "(never 0). Medians are not additive: take each level from its own "
            "file. Codes in the geography of 1 January of vintage + 1.",
        ),
        _Family(
            id="observatoire_neet",
            title="Part des 15-24 ans ni en emploi ni en études ou formation (NEET), "
            "fichier {vintage} — Observatoire des territoires, niveau {level}",
            producer="Observatoire des territoires (ANCT), d'après Insee, recensement",
            geography_offset=3,
            patterns=("neet_*_{vintage}*",),
            name_regex=re.compile(r"^neet_(communes|epci|dpt|region)_(\d{4})(?!\d)", re.IGNORECASE),
            level_of=lambda m: (NEET_LEVELS[m.group(1).lower()],),
            notes="Columns codgeo;libgeo;an;part_non_inseres (UTF-8 with BOM, CRLF, decimal "
            "comma), one row per territory and census year an (several years per file); "
            "one file per level (communes, epci, dpt, region). Published shares: never "
            "recomputed from the commune bases.",
        ),
        _Family(
            id="filosofi_pauvres",
            title="Pauvreté et niveau de vie en {vintage} (Filosofi) — niveau {level}",
            producer="Insee-DGFiP-Cnaf-Cnav-CCMSA, Fichier localisé social et fiscal (Filosofi)",
            geography_offset=1,
            patterns=("FILO{vintage}_DISP_Pauvres_{level}.*",),
            name_regex=re.compile(
                r"^(?:FILO(\d{4})_DISP_PAUVRES_(COM|EPCI|DEP|REG|METROPOLE)\b"
                r"|indic-struct-distrib-revenu-(\d{4})-(COMMUNES|SUPRA))",
                re.IGNORECASE,
            ),
            level_of=lambda m: _filosofi_levels(m),
            member_of=lambda v, level: _pauvres_member(v, level),
            sheet="ENSEMBLE",
            notes="Poverty rates at 60 % of the median (TP60yy, by age of the fiscal "
            "referent TP60AGE1yy…TP60AGE6yy, by tenure TP60TOL1yy/TP60TOL2yy, intensity "
            "TP60IPyy); 'Pauvres' until 2019, 'PAUVRES' from 2020. Decimal comma, BOM; "
            "blank or 's' cells are statistical secrecy; rates under 5 % are published "
            "as 5 (a floor). Take each level from its own file.",
        ),
        _Family(
            id="filosofi_cc",
            title="Revenus et pauvreté des ménages en {vintage} (Filosofi 2) — tous niveaux",
            producer="Insee-DGFiP-Cnaf-Cnav-CCMSA, Fichier localisé social et fiscal (Filosofi)",
            geography_offset=1,
            patterns=("DS_FILOSOFI_CC_{vintage}_data*",),
            name_regex=re.compile(r"^DS_FILOSOFI_CC_(\d{4})_data", re.IGNORECASE),
            member_of=lambda v, level: f"DS_FILOSOFI_CC_{v}_data.csv",  # noqa: ARG005 - one member
            notes="Long format (FILOSOFI_MEASURE;GEO;GEO_OBJECT;UNIT_MEASURE;CONF_STATUS;"
            "OBS_STATUS;UNIT_MULT;TIME_PERIOD;OBS_VALUE), every level in one file; "
            "PR_MD60 is the poverty rate at 60 % of the median. New method from 2023: "
            "not comparable with Filosofi 2021 and before (Filosofi 2022 was not "
            "published).",
        ),
        _Family(
            id="cog_epci_composition",
            title="Intercommunalité - Métropole au 1er janvier {vintage} — composition "
            "communale des EPCI",
            producer="Insee, d'après DGCL (Banatic)",
            geography_offset=0,
            patterns=(
                "Intercommunalite_Metropole_au_01-01-{vintage}*",
                "EPCI_au_01-01-{vintage}*",
                "EPCI_{vintage}_*",
            ),
            name_regex=re.compile(
                r"^(?:Intercommunalite_Metropole_au_01-01-(\d{4})|EPCI_au_01-01-(\d{4})"
                r"|EPCI_(\d{4})(?!\d))",
                re.IGNORECASE,
            ),
            sheet="Composition_communale",
            notes="Sheet Composition_communale: CODGEO, LIBGEO, EPCI, LIBEPCI, DEP, REG. "
            "Communes outside any EPCI carry EPCI 'ZZZZZZZZZ' (not a real EPCI).",
        ),
        _Family(
            id="cog_communes_epci",
            title="Communes et EPCI au 1er janvier {vintage} (découpage administratif)",
            producer="Insee (COG) et DGCL, via Etalab (@etalab/decoupage-administratif)",
            geography_offset=0,
            patterns=("communes-epci-{vintage}*",),
            name_regex=re.compile(r"^communes-epci-(\d{4})(?!\d)", re.IGNORECASE),
            notes="Flattened from the registry package @etalab/decoupage-administratif "
            "(columns code;nom;departement;region;siren;population;epci_code;"
            "epci_nom;epci_type;…). There is no single download URL: build it from "
            "the package.",
        ),
        _Family(
            id="cog_mouvements",
            title="Code officiel géographique au 1er janvier {vintage} — événements sur "
            "les communes",
            producer="Insee, Code officiel géographique",
            geography_offset=0,
            patterns=(
                "v_mvt_commune_{vintage}*",
                "v_mvtcommune_{vintage}*",
                "mvtcommune_{vintage}*",
                "mvtcommune{vintage}*",
                "mvtcommune-0101{vintage}*",
            ),
            name_regex=re.compile(
                r"^(?:v_)?mvt_?commune[-_]?(?:0101)?(\d{4})(?!\d)", re.IGNORECASE
            ),
            notes="Movements since 1943 (MOD, DATE_EFF, TYPECOM_AV, COM_AV, …, COM_AP): "
            "the file of year N brings any older geography to 1 January N. "
            "Column names were lower-case until 2021.",
        ),
        _Family(
            id="caf_txcouv_pe",
            title="Taux de couverture de l'accueil du jeune enfant (Cnaf, Onape) — niveau {level}",
            producer="Cnaf, Observatoire national de la petite enfance (data.caf.fr)",
            geography_offset=0,
            patterns=("txcouv_pe_{level}*",),
            name_regex=re.compile(
                r"^txcouv_pe_(com|epci|dep|reg|nat)(_hist)?(?:[_-](\d{4}))?(?![a-z])",
                re.IGNORECASE,
            ),
            level_of=lambda m: (m.group(1).upper() + ("_HIST" if m.group(2) else ""),),
            notes="data.caf.fr exports txcouv_pe_{com,epci,dep,reg,nat} (';', one row per "
            "territory and year 'annee', several years per file; rates for 100 children "
            "under 3). A name without a year holds several years (vintage 0); '_hist' "
            "files hold the older years. The commune file covers only the larger "
            "communes. Layout in ctgstats.portrait.poverty.childcare_read.",
        ),
        _Family(
            id="caf_prestations",
            title="Foyers allocataires de la Cnaf en décembre, par prestation (data.caf.fr)",
            producer="Cnaf, fichiers des allocataires en décembre (data.caf.fr)",
            geography_offset=0,
            patterns=("caf_*_{vintage}*", "caf_*"),
            name_regex=re.compile(
                r"^caf[_-](allocataires|rsa|prime[_-]activite|aah|aides[_-]logement|af|asf|"
                r"paje|bas[_-]revenus)[_-](com|epci|dep|nat)(?:[_-](\d{4}))?(?![a-z0-9])",
                re.IGNORECASE,
            ),
            level_of=lambda m: (m.group(2).upper() + ":" + m.group(1).lower().replace("-", "_"),),
            notes="Exports of data.caf.fr (older files with DTREF / Codes_Insee / NUMEPCI, "
            "or the Cafdata portal with annee / numcom / numepci, counts rounded to 5), "
            "saved as caf_<prestation>_<niveau>[_<année>].csv; December of year N, "
            "geography of January N+1. Layout in ctgstats.portrait.poverty.caf_read.",
        ),
        _Family(
            id="sdes_rpls",
            title="Répertoire des logements locatifs des bailleurs sociaux (RPLS) au 1er "
            "janvier {vintage} — résultats par territoire (SDES)",
            producer="SDES (ministère chargé du logement), répertoire RPLS",
            geography_offset=0,
            patterns=(
                "resultats_rpls_{vintage}*",
                "resultats-rpls-{vintage}*",
                "rpls_{vintage}_resultats*",
                "statistiques_sdes_resultats_rpls_{vintage}*",
            ),
            name_regex=re.compile(
                r"^(?:statistiques_sdes_)?(?:resultats[_-]rpls[_-](\d{4})|rpls_(\d{4})_resultats)"
                r"(?!\d)",
                re.IGNORECASE,
            ),
            notes="Workbook of the SDES « résultats RPLS » (sheets COMMUNE(S), EPCI, "
            "DEPARTEMENT, REGION; five title lines above the technical header: DEPCOM_ARM, "
            "nb_ls, nb_loues, nb_vacants, tx_vac, tx_mob, loymoy, and the past years "
            "nb_lsYYYY, tx_vac_YYYY, tx_mob_YYYY, loymoy_YYYY), or one sheet saved as CSV. "
            "Vintage = 1 January of the year in the name. Blank cells are secret (never 0). "
            "Read by ctgstats.portrait.housing.rpls.",
        ),
        _Family(
            id="insee_bpe",
            title="Base permanente des équipements (BPE) {vintage} — nombre d'équipements par "
            "commune et type",
            producer="Insee, base permanente des équipements (BPE)",
            geography_offset=0,
            patterns=("bpe{vintage}_ensemble*", "DS_BPE_{vintage}_data*", "DS_BPE_data*"),
            name_regex=re.compile(
                r"^(?:bpe(\d{2})_ensemble(?!_xy)|DS_BPE_(?:(\d{4})_)?data)", re.IGNORECASE
            ),
            member_of=lambda v, level: _bpe_member(v),  # noqa: ARG005 - one member
            notes="Two layouts, read by ctgstats.portrait.services.read: the older "
            "bpeYY_ensemble (REG;DEP;DEPCOM;DCIRIS;AN;TYPEQU;NB_EQUIP, one row per IRIS and "
            "type) and the long DS_BPE_YYYY_data "
            "(GEO;GEO_OBJECT;FACILITY_DOM;FACILITY_SDOM;FACILITY_TYPE;BPE_MEASURE;"
            "[UNIT_MEASURE;OBS_STATUS;UNIT_MULT;]TIME_PERIOD;OBS_VALUE, every level in one "
            "file). Equipment types (TYPEQU / FACILITY_TYPE) change between vintages: codes "
            "per vintage in portrait/services/services.yaml. BPE counts equipments at 1 "
            "January, not their capacity. Codes in the geography of 1 January of the "
            "vintage (established for BPE 2018; assumed for the others).",
        ),
        _Family(
            id="insee_bpe_xy",
            title="Base permanente des équipements (BPE) {vintage} — équipements géolocalisés",
            producer="Insee, base permanente des équipements (BPE)",
            geography_offset=0,
            patterns=("bpe{vintage}_ensemble_xy*", "BPE{vintage}.*", "BPE{vintage}_*"),
            name_regex=re.compile(r"^(?:bpe(\d{2})_ensemble_xy|BPE(\d{4})(?![\d]))", re.IGNORECASE),
            member_of=lambda v, level: _bpe_xy_member(v),  # noqa: ARG005 - one member
            notes="One row per equipment: DEPCOM, TYPEQU, LAMBERT_X, LAMBERT_Y (Lambert 93, "
            "EPSG:2154, in metropolitan France; local UTM projections overseas, column EPSG "
            "from BPE 2024) or LONGITUDE/LATITUDE (WGS84), QUALITE_XY (B good, A acceptable, "
            "M bad, _Z not geolocated). Read by ctgstats.portrait.services.read for "
            "straight-line distances.",
        ),
        _Family(
            id=CONTOURS_SOURCE,
            title="Contours des communes et départements (IGN, Admin Express COG ou "
            "équivalent), édition {vintage} — niveau {level}",
            producer="IGN, Admin Express COG (contours des communes)",
            geography_offset=0,
            patterns=("COMMUNE.shp", "DEPARTEMENT.shp", "communes-*", "departement*-*"),
            name_regex=re.compile(
                r"^(?:(COMMUNE|DEPARTEMENT)\.shp"
                r"|(communes|departements?)[-_]((?:\d{2,3}|2A|2B)(?![0-9]))?.*\.(?:geojson|shp))$",
                re.IGNORECASE,
            ),
            level_of=lambda m: (_contour_level(m),),
            vintage_of=lambda m: _year_in(m.group(0)),
            notes="Commune polygons: IGN Admin Express COG (COMMUNE.shp, fields INSEE_COM and "
            "NOM or NOM_COM, Lambert 93) or any GeoJSON / shapefile of communes (properties "
            "code, nom; WGS84 or Lambert 93); DEPARTEMENT.shp / departement-*.geojson for "
            "the outline. The edition (year) is read from the name, else from the folders "
            "holding the file; the geography is that of 1 January of the edition. Read by "
            "ctgstats.data.contours (maps), never needed by the figures.",
        ),
    )
}

#: Every source id ctgstats knows.
SOURCE_IDS: tuple[str, ...] = tuple(_FAMILIES)

#: The census commune bases, in the order that breaks ties between files of one vintage
#: holding the same variable (the first wins).
CENSUS_SOURCE_IDS: tuple[str, ...] = tuple(f.id for f in _FAMILIES.values() if f.census)


def _filosofi_levels(match: re.Match[str]) -> tuple[str | None, ...]:
    if match.group(2):
        return (match.group(2).upper(),)
    if match.group(4).upper() == "COMMUNES":
        return ("COM",)
    return ("EPCI", "DEP", "REG", "METROPOLE")


def _bpe_member(vintage: int) -> str | None:
    if not vintage:
        return None
    if vintage < 2023:
        return f"bpe{vintage % 100:02d}_ensemble.csv"
    return f"DS_BPE_{vintage}_data.csv"


def _bpe_xy_member(vintage: int) -> str | None:
    if not vintage:
        return None
    return f"bpe{vintage % 100:02d}_ensemble_xy.csv" if vintage < 2023 else f"BPE{vintage}.csv"


def _year_in(text: str) -> int:
    """First year (19xx or 20xx, alone or opening a ``YYYYMMDD`` date) in ``text``, or 0."""
    for run in re.findall(r"\d+", text):
        if len(run) in (4, 8) and run[:2] in ("19", "20"):
            return int(run[:4])
    return 0


def _contour_level(match: re.Match[str]) -> str:
    """``COM`` or ``DEP``, with the département of a per-département file (``COM-31``)."""
    kind = (match.group(1) or match.group(2)).upper()
    level = "COM" if kind.startswith("COMMUNE") else "DEP"
    return f"{level}-{match.group(3).upper()}" if match.group(3) else level


def _folder_year(path: Path) -> int:
    """Year in the name of one of the three folders holding ``path`` (nearest first), or 0."""
    for parent in list(path.parents)[:3]:
        year = _year_in(parent.name)
        if year:
            return year
    return 0


def _pauvres_member(vintage: int, level: str | None) -> str | None:
    if not level:
        return None
    return f"FILO{vintage}_DISP_{'Pauvres' if vintage < 2020 else 'PAUVRES'}_{level}.csv"


# --------------------------------------------------------------------------- registry


def _url(page: int, name: str) -> str:
    return f"{INSEE_FILES}/{page}/{name}"


def _with_download(spec: SourceSpec, url: str | None, notes: str, **fields: Any) -> SourceSpec:
    patterns = spec.filename_patterns
    if url:
        name = PurePosixPath(url).name
        if name not in patterns:
            patterns = (*patterns, name)
    text = " ".join(part for part in (spec.notes, notes) if part)
    return replace(spec, url=url, notes=text, filename_patterns=patterns, **fields)


_CITED = "URL cited by public code that downloads it (not fetched here)."
_DERIVED = (
    "URL assembled from INSEE's page id (cited for another format of the same "
    "table) and the CSV file name (cited by public code); not fetched here."
)
_UNCERTAIN = (
    "URL cited by a single public source and not fetched here: check it on "
    "the INSEE page before relying on it."
)
_NO_URL = "Download URL not established: place the file in a data directory."

# (vintage, page, file name, how established)
_RP_EVOL = (
    (2016, 4171334, "base-cc-evol-struct-pop-2016-csv.zip", _DERIVED),
    (
        2017,
        4515565,
        "base-ccc-evol-struct-pop-2017.zip",
        _CITED + " The zip holds base-cc-evol-struct-pop-2017.CSV.",
    ),
    (2018, 5395875, "base-ccc-evol-struct-pop-2018.zip", _UNCERTAIN),
    (2019, 6456153, "base-ccc-evol-struct-pop-2019.zip", _UNCERTAIN),
    (2020, 7632446, "base-cc-evol-struct-pop-2020_csv.zip", _CITED),
    (2021, 8201904, "base-cc-evol-struct-pop-2021_csv.zip", _CITED),
    (
        2022,
        8581696,
        "base-cc-evol-struct-pop-2022_csv.zip",
        _CITED + " The zip holds base-cc-evol-struct-pop-2022.CSV.",
    ),
)
_RP_CFM = (
    (2016, 4171359, "base-cc-coupl-fam-men-2016-csv.zip", _DERIVED),
    (
        2017,
        None,
        None,
        _NO_URL + " (base-ccc-coupl-fam-men-2017-COM.zip is the overseas "
        "collectivités file, not the communes.)",
    ),
    (2018, None, None, _NO_URL),
    (2019, None, None, _NO_URL),
    (2020, None, None, _NO_URL),
    (2021, 8205182, "base-cc-coupl-fam-men-2021_csv.zip", _CITED),
    (2022, 8582452, "base-cc-coupl-fam-men-2022_csv.zip", _DERIVED),
)
_RP_HIST = (
    (2016, None, None, _NO_URL),
    (2017, None, None, _NO_URL),
    (2018, None, None, _NO_URL),
    (2019, None, None, _NO_URL),
    (
        2020,
        7632565,
        "base-cc-serie-historique-2020_csv.zip",
        _CITED + " A third party recorded SHA-256 89bff69833bb186a3e91ba11d338dad96f5d3672"
        "75fad0bf5cd82fdb0acc7e32 for this zip; not pinned, as it could not be "
        "verified here.",
    ),
    (2021, None, None, _NO_URL),
    (2022, None, None, _NO_URL),
)
_RP_LOGEMENT = (
    (2016, None, None, _NO_URL),
    (2017, None, None, _NO_URL),
    (2018, None, None, _NO_URL),
    (2019, None, None, _NO_URL),
    (2020, 7631186, "base-cc-logement-2020_csv.zip", _CITED),
    (2021, None, None, _NO_URL),
    (
        2022,
        8581474,
        "base-cc-logement-2022_csv.zip",
        _CITED + " The zip holds base-cc-logement-2022.CSV.",
    ),
)
_RP_EMPLOI = (
    (2016, None, None, _NO_URL),
    (2020, 7632867, "base-cc-emploi-pop-active-2020_csv.zip", _UNCERTAIN),
    (
        2022,
        8581444,
        "base-cc-emploi-pop-active-2022_csv.zip",
        _CITED + " The zip holds base-cc-emploi-pop-active-2022.CSV.",
    ),
)
_RP_DIPLOMES = (
    (2016, None, None, _NO_URL),
    (2017, 4516086, "base-ccc-diplomes-formation-2017.zip", _UNCERTAIN),
    (2021, 8202319, "base-cc-diplomes-formation-2021_csv.zip", _UNCERTAIN),
    (2022, 8581488, "base-cc-diplomes-formation-2022_csv.zip", _UNCERTAIN),
)
_RP_CARACT_EMP = ((2022, None, None, _NO_URL),)
# Filosofi: COMMUNES archives hold FILOyyyy_DISP_COM.csv; SUPRA archives the other levels.
_FILO_COM = (
    (
        2016,
        None,
        None,
        _NO_URL + " INSEE's 2016 communal archive "
        "(fichier/4190006/indic-struct-distrib-revenu-2016-COMMUNES"
        ".zip) holds .xls workbooks, which ctgstats does not read.",
    ),
    (2018, 5009218, "indic-struct-distrib-revenu-2018-COMMUNES_csv.zip", _CITED),
    (2019, 6036907, "indic-struct-distrib-revenu-2019-COMMUNES_csv.zip", _CITED),
    (2020, 6692220, "indic-struct-distrib-revenu-2020-COMMUNES_csv.zip", _CITED),
    (2021, 7756855, "indic-struct-distrib-revenu-2021-COMMUNES_csv.zip", _CITED),
)
_FILO_SUPRA = (
    (2016, None, None, _NO_URL),
    (
        2017,
        None,
        None,
        _NO_URL + " An xlsx archive is cited at fichier/4291712/"
        "indic-struct-distrib-revenu-2017-SUPRA.zip (member and "
        "sheet names not established).",
    ),
    (2018, None, None, _NO_URL),
    (2019, 6036907, "indic-struct-distrib-revenu-2019-SUPRA_csv.zip", _CITED),
    (2020, None, None, _NO_URL),
    (2021, None, None, _NO_URL),
)
_EPCI = (
    (2020, "Intercommunalite_Metropole_au_01-01-2020_v1.zip"),
    (2021, "Intercommunalite_Metropole_au_01-01-2021.zip"),
    (2022, "Intercommunalite_Metropole_au_01-01-2022.zip"),
    (2023, "Intercommunalite_Metropole_au_01-01-2023.zip"),
    (2024, "epci_au_01-01-2024.zip"),
    (2025, "epci_au_01-01-2025.zip"),
    (2026, "epci_au_01-01-2026.zip"),
)
_MOVEMENTS = (
    (2020, 4316069, "mvtcommune2020-csv.zip", None),
    (2021, 5057840, "cog_ensemble_2021_csv.zip", "mvtcommune2021.csv"),
    (2022, 6051727, "mvtcommune_2022.csv", None),
    (2023, 6800675, "v_mvtcommune_2023.csv", None),
    (2024, 7766585, "v_mvt_commune_2024.csv", None),
    (2025, 8377162, "v_mvt_commune_2025.csv", None),
    (2026, 8740222, "v_mvt_commune_2026.csv", None),
)


def _registry() -> tuple[SourceSpec, ...]:
    specs: list[SourceSpec] = []
    for family_id, table in (
        ("rp_evol_struct_pop", _RP_EVOL),
        ("rp_coupl_fam_men", _RP_CFM),
        ("rp_serie_historique", _RP_HIST),
        ("rp_logement", _RP_LOGEMENT),
        ("rp_emploi_pop_active", _RP_EMPLOI),
        ("rp_diplomes_formation", _RP_DIPLOMES),
        ("rp_caract_emp", _RP_CARACT_EMP),
    ):
        family = _FAMILIES[family_id]
        for vintage, page, name, how in table:
            url = _url(page, name) if page and name else None
            specs.append(_with_download(family.spec(vintage), url, how))
    filosofi = _FAMILIES["filosofi_disp"]
    for vintage, page, name, how in _FILO_COM:
        url = _url(page, name) if page and name else None
        specs.append(_with_download(filosofi.spec(vintage, "COM"), url, how))
    for vintage, page, name, how in _FILO_SUPRA:
        url = _url(page, name) if page and name else None
        for level in ("EPCI", "DEP", "REG", "METROPOLE"):
            specs.append(_with_download(filosofi.spec(vintage, level), url, how))
    pauvres = _FAMILIES["filosofi_pauvres"]
    archives: tuple[tuple[tuple[int, int | None, str | None, str], ...], tuple[str, ...]]
    for archives in (
        (_FILO_COM, ("COM",)),
        (_FILO_SUPRA, ("EPCI", "DEP", "REG", "METROPOLE")),
    ):
        rows, levels = archives
        for vintage, page, name, how in rows:
            url = _url(page, name) if page and name else None
            for level in levels:
                specs.append(_with_download(pauvres.spec(vintage, level), url, how))
    specs.append(
        _with_download(
            _FAMILIES["filosofi_cc"].spec(2023),
            _url(8984752, "FILOSOFI_CC_csv.zip"),
            _CITED + " The zip holds DS_FILOSOFI_CC_2023_data.csv and its metadata file.",
        )
    )
    composition = _FAMILIES["cog_epci_composition"]
    for vintage, name in _EPCI:
        specs.append(_with_download(composition.spec(vintage), _url(2510634, name), _CITED))
    specs.append(_FAMILIES["cog_communes_epci"].spec(2026))
    neet = _FAMILIES["observatoire_neet"]
    for level in NEET_LEVELS.values():
        specs.append(_with_download(neet.spec(2018, level), None, _NO_URL))
    coverage = _FAMILIES["caf_txcouv_pe"]
    for level in ("COM", "EPCI", "DEP", "NAT"):  # multi-year exports: vintage 0
        specs.append(
            _with_download(
                coverage.spec(0, level),
                None,
                "data.caf.fr only offers an export of the current dataset (no URL pinned to "
                f"a year): download txcouv_pe_{level.lower()} from "
                f"https://data.caf.fr/explore/dataset/txcouv_pe_{level.lower()}/ (Export, CSV).",
            )
        )
    benefits = _FAMILIES["caf_prestations"]
    for benefit in (
        "allocataires",
        "rsa",
        "prime_activite",
        "aah",
        "aides_logement",
        "af",
        "asf",
        "paje",
        "bas_revenus",
    ):
        for level in ("COM", "EPCI", "DEP", "NAT"):  # multi-year exports: vintage 0
            specs.append(
                _with_download(
                    benefits.spec(0, f"{level}:{benefit.upper()}"),
                    None,
                    "data.caf.fr (Cafdata) only offers an export of the current dataset (no "
                    "URL pinned to a year): export the benefit's dataset at this level as CSV "
                    f"and save it as caf_{benefit}_{level.lower()}.csv.",
                )
            )
    rpls = _FAMILIES["sdes_rpls"]
    for vintage in (2022, 2023, 2024):
        specs.append(_with_download(rpls.spec(vintage), None, _NO_URL))
    bpe_how = (
        _NO_URL + " BPE pages on insee.fr: https://www.insee.fr/fr/statistiques/3568638 "
        "(« Base permanente des équipements », one page per vintage)."
    )
    for vintage in (2021, 2023, 2024):
        specs.append(_with_download(_FAMILIES["insee_bpe"].spec(vintage), None, bpe_how))
        specs.append(_with_download(_FAMILIES["insee_bpe_xy"].spec(vintage), None, bpe_how))
    specs.append(
        _with_download(
            _FAMILIES[CONTOURS_SOURCE].spec(2018, "COM"),
            None,
            _NO_URL + " IGN distributes ADMIN-EXPRESS-COG as 7z archives "
            "(https://geoservices.ign.fr/adminexpress): extract COMMUNE.shp with its .dbf, "
            ".shx and .prj (and DEPARTEMENT.shp) into a data folder.",
        )
    )
    movements = _FAMILIES["cog_mouvements"]
    for vintage, page, name, member in _MOVEMENTS:
        how = _CITED + (f" Read member {member} of the COG archive." if member else "")
        specs.append(
            _with_download(movements.spec(vintage), _url(page, name), how, archive_member=member)
        )
    return tuple(specs)


#: Every source and vintage ctgstats knows how to find and download.
REGISTRY: tuple[SourceSpec, ...] = _registry()

_BY_KEY: dict[tuple[str, int, str | None], SourceSpec] = {spec.key: spec for spec in REGISTRY}


def get_source(id: str, vintage: int, level: str | None = None) -> SourceSpec:  # noqa: A002
    """Registry entry of a source id, vintage and (for Filosofi) level.

    Raises
    ------
    UnknownSourceError
        With the vintages and levels the registry has for that id.
    """
    if id not in _FAMILIES:
        raise UnknownSourceError(
            f"identifiant de source inconnu {id!r} ; identifiants connus : {', '.join(SOURCE_IDS)}"
        )
    if level is not None:
        level = level.upper()
    spec = _BY_KEY.get((id, vintage, level))
    if spec is not None:
        return spec
    known = sorted({(s.vintage, s.level or "") for s in REGISTRY if s.id == id})
    if level is None and any(v == vintage for v, _ in known):
        levels = [lvl for v, lvl in known if v == vintage]
        raise UnknownSourceError(f"la source {id!r} {vintage} demande un niveau parmi {levels}")
    listing = ", ".join(f"{v}{'/' + lvl if lvl else ''}" for v, lvl in known)
    raise UnknownSourceError(
        f"aucune entrée du registre pour {id!r} millésime {vintage}"
        f"{f' niveau {level}' if level else ''} ; connus : {listing}"
    )


def spec_for(id: str, vintage: int, level: str | None = None) -> SourceSpec:  # noqa: A002
    """Registry entry if any, else a spec made on the fly (``url=None``)."""
    try:
        return get_source(id, vintage, level)
    except UnknownSourceError:
        if id not in _FAMILIES:
            raise
        return _FAMILIES[id].spec(
            vintage,
            level.upper() if level else None,
            notes=_FAMILIES[id].notes + " Vintage not in the registry: no URL, no checksum.",
        )


# --------------------------------------------------------------------------- discovery


def discover(data_dirs: Sequence[Path | str]) -> list[FoundFile]:
    """Find source files under ``data_dirs`` (recursively) by their names.

    Files are recognised by each source's name pattern (vintage and level read from
    the name, e.g. ``FILO2019_DISP_EPCI.csv``), or by a registry entry's download name
    (e.g. ``indic-struct-distrib-revenu-2019-SUPRA_csv.zip``, which holds four levels,
    or ``cog_ensemble_2021_csv.zip``). ``meta_*`` files and the overseas ``…-COM``
    census files are ignored. When the same source, vintage and level is found several times, a
    CSV is preferred to a zip, and a zip to an xlsx; the others are recorded as
    ``alternatives``.

    Raises
    ------
    DiscoveryConflictError
        Two files of the same format with different contents claim the same source,
        vintage and level.
    """
    candidates: dict[tuple[str, int, str | None], list[tuple[SourceSpec, Path]]] = {}
    for path in _walk(data_dirs):
        for spec in _specs_for_name(path.name):
            if spec.id == CONTOURS_SOURCE and spec.vintage == 0:
                spec = spec_for(spec.id, _folder_year(path), spec.level)
            candidates.setdefault(spec.key, []).append((spec, path))
    found = [_choose(key, entries) for key, entries in candidates.items()]
    return sorted(found, key=lambda f: (f.source.id, f.vintage, f.level or "", str(f.path)))


def _walk(data_dirs: Iterable[Path | str]) -> Iterable[Path]:
    seen: set[Path] = set()
    for root in data_dirs:
        root = Path(root)
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if path.suffix.lower() not in DATA_FILE_SUFFIXES or name.startswith("."):
                    continue
                resolved = path.resolve()
                if resolved not in seen:
                    seen.add(resolved)
                    yield path


def _specs_for_name(name: str) -> list[SourceSpec]:
    if name.lower().startswith(("meta_", "varmod")):
        return []
    specs: dict[tuple[str, int, str | None], SourceSpec] = {}
    for family in _FAMILIES.values():
        for vintage, level in family.parse(name):
            spec = spec_for(family.id, vintage, level)
            specs[spec.key] = spec
    lowered = name.lower()
    for spec in REGISTRY:  # download names that carry no pattern (e.g. SUPRA archives)
        if spec.key not in specs and spec.filename and spec.filename.lower() == lowered:
            specs[spec.key] = spec
    return list(specs.values())


def _choose(key: tuple[str, int, str | None], entries: list[tuple[SourceSpec, Path]]) -> FoundFile:
    spec = entries[0][0]
    paths = sorted(
        {path for _, path in entries},
        key=lambda p: (FORMAT_PREFERENCE.get(p.suffix.lower(), 9), str(p)),
    )
    best = paths[0]
    same_format = [p for p in paths if p.suffix.lower() == best.suffix.lower()]
    _check_same_content(key, same_format)
    return FoundFile(
        source=spec,
        path=best,
        vintage=key[1],
        level=key[2],
        alternatives=tuple(p for p in paths if p != best),
    )


def _check_same_content(key: tuple[str, int, str | None], paths: list[Path]) -> None:
    if len(paths) < 2:
        return
    first = file_sha256(paths[0])
    for other in paths[1:]:
        if file_sha256(other) != first:
            source, vintage, level = key
            label = f"{source} {vintage}{f' {level}' if level else ''}"
            raise DiscoveryConflictError(
                f"deux fichiers différents pour {label} dans le même format : {paths[0]} et "
                f"{other} ; gardez-en un (ou sortez l'autre des dossiers de données)"
            )


def readable_sources(uses: Iterable[tuple[str, int | None]]) -> list[str]:
    """French names of the sources read, one per producer, with their vintages.

    ``uses`` are ``(source id, vintage)`` pairs (the files of a run); ids ctgstats does not
    know (the analyst's own tables) are left to the caller. For readers: no file name.

    >>> readable_sources([("rp_evol_struct_pop", 2022), ("rp_coupl_fam_men", 2016)])
    ['Insee, recensement de la population (2016, 2022)']
    """
    vintages: dict[str, set[int]] = {}
    for source_id, vintage in uses:
        family = _FAMILIES.get(source_id)
        if family is None:
            continue
        years = vintages.setdefault(family.producer, set())
        if vintage:  # None or 0 (a multi-year file): no year to print
            years.add(int(vintage))
    return [
        f"{producer} ({', '.join(str(y) for y in sorted(years))})" if years else producer
        for producer, years in vintages.items()
    ]
