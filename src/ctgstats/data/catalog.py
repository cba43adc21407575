"""The files a run reads: discovered in data folders, loaded through the data layer.

:class:`Catalog` is the single entry point from "data folders" to typed tables: it knows
which INSEE source and vintage each file is (via :mod:`ctgstats.data.sources`), loads only the
columns asked for (via :mod:`ctgstats.data.readers`, with the parquet cache), and keeps the
sha256 of every file it read for the manifest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from ctgstats.core.errors import InputError
from ctgstats.core.files import demo_data_dir, file_sha256, resolve_data_dir
from ctgstats.core.territories import Composition, Movements, composition_from_frame
from ctgstats.data import cache, readers, sources, variables

RP_SOURCES = sources.CENSUS_SOURCE_IDS
RP_PATTERN = r"^(?:[PC]\d{2}_.+|(?:NAIS|DECE)\d{4})$"
COMPOSITION_SOURCES = ("cog_epci_composition", "cog_communes_epci")
BUILTIN_MOVEMENTS = "mouvements_communes_complement.csv"
NEET_SOURCE = "observatoire_neet"

_FILO_DISP = re.compile(r"^FILO\d{4}_DISP_", re.IGNORECASE)

#: The column every census base publishes for its own vintage (``{yy}``: ``22`` for
#: RP2022): a file without it is not the base its name says (a column was removed or
#: the wrong file renamed), and every figure it feeds would silently be "n.d.".
CENSUS_KEY_COLUMNS: dict[str, str] = {
    "rp_evol_struct_pop": "P{yy}_POP",
    "rp_coupl_fam_men": "C{yy}_MEN",
    "rp_serie_historique": "P{yy}_POP",
    "rp_logement": "P{yy}_LOG",
    "rp_emploi_pop_active": "P{yy}_POP1564",
    "rp_diplomes_formation": "P{yy}_NSCOL15P",
    "rp_caract_emp": "P{yy}_ACTOCC15P",
}


class DataNotFoundError(InputError, FileNotFoundError):
    """A source the run needs is in none of the data folders."""


def rp_geography_year(vintage: int) -> int:
    """COG year of the geography a census vintage is published in (RP N → 1 Jan N+3)."""
    return vintage + 3


@dataclass
class FileUse:
    """A file read by the run, for the manifest and the report's sources."""

    source_id: str
    vintage: int
    level: str | None
    path: Path
    sha256: str


@dataclass
class Catalog:
    """Files discovered in the data folders of a run."""

    data_dirs: tuple[Path, ...]
    found: list[sources.FoundFile]
    cache_dir: Path | None = None
    used: dict[Path, FileUse] = field(default_factory=dict)

    @classmethod
    def from_dirs(cls, entries: Sequence[str], *, cache_dir: Path | None = None) -> Catalog:
        """Discover the INSEE files in ``entries`` (folders, or ``ctgstats:demo``).

        ``cache_dir`` defaults to :func:`ctgstats.data.cache.default_cache_dir`
        (``$CTGSTATS_CACHE_DIR`` or ``~/.cache/ctgstats``).
        """
        if cache_dir is None:
            from ctgstats.data.cache import default_cache_dir

            cache_dir = default_cache_dir()
        dirs = []
        for entry in entries:
            folder = resolve_data_dir(entry)
            if not folder.is_dir():
                raise DataNotFoundError(
                    f"data_dirs : le dossier {entry!r} n'existe pas (chemin résolu : {folder})"
                )
            dirs.append(folder)
        return cls(tuple(dirs), sources.discover(dirs), cache_dir=cache_dir)

    @property
    def is_demo(self) -> bool:
        """True when every data folder is the fictional demo."""
        demo = demo_data_dir()
        return all(Path(d) == demo for d in self.data_dirs)

    # ------------------------------------------------------------------ discovery
    def files(
        self, source_id: str, *, vintage: int | None = None, level: str | None = None
    ) -> list[sources.FoundFile]:
        """Discovered files of a source, newest vintage first."""
        hits = [
            f
            for f in self.found
            if f.source.id == source_id
            and (vintage is None or f.vintage == vintage)
            and (level is None or (f.level or "").upper() == level.upper())
        ]
        return sorted(hits, key=lambda f: (-f.vintage, str(f.path)))

    def vintages(self, source_id: str, *, level: str | None = None) -> list[int]:
        """Vintages available for a source (ascending)."""
        return sorted({f.vintage for f in self.files(source_id, level=level)})

    # ------------------------------------------------------------------ reading
    def read(self, found: sources.FoundFile, **options) -> pd.DataFrame:
        """Read a discovered file through the data layer and record its use."""
        if self.cache_dir is None:
            frame = readers.read_table(
                found.path, member=found.member, sheet=found.sheet, **options
            )
        else:
            frame = cache.read_table(
                found.path,
                cache_dir=self.cache_dir,
                member=found.member,
                sheet=found.sheet,
                **options,
            )
        if found.path not in self.used:
            self.used[found.path] = FileUse(
                found.source.id,
                found.vintage,
                found.level,
                found.path,
                file_sha256(found.path),
            )
        return frame

    def load_composition(self, cog_year: int | None) -> Composition:
        """Composition table of ``cog_year`` (default: the most recent one found)."""
        candidates = [f for s in COMPOSITION_SOURCES for f in self.files(s)]
        if not candidates:
            raise DataNotFoundError(
                "aucune table de composition (COG) dans les dossiers de données "
                f"{[str(d) for d in self.data_dirs]} : ajoutez le fichier Insee "
                "« Intercommunalité - Métropole au 01-01-AAAA » (feuille Composition_communale)"
            )
        years = sorted({f.vintage for f in candidates})
        year = cog_year if cog_year is not None else years[-1]
        chosen = [f for f in candidates if f.vintage == year]
        if not chosen:
            raise DataNotFoundError(
                f"cog_year : aucune table de composition du COG {year} dans les dossiers de "
                f"données ; années trouvées : {years}"
            )
        found = sorted(chosen, key=lambda f: COMPOSITION_SOURCES.index(f.source.id))[0]
        frame = self.read(found, commune_codes=True)
        return composition_from_frame(frame, cog_year=year, source=str(found.path))

    def load_movements(self) -> Movements:
        """INSEE commune movements (newest file found), or the bundled complement."""
        files = self.files("cog_mouvements")
        if files:
            frame = self.read(files[0])
            return Movements.from_frame(frame, source=str(files[0].path))
        path = resources.files("ctgstats") / "data" / BUILTIN_MOVEMENTS
        frame = pd.read_csv(str(path), dtype=str, keep_default_na=False)
        return Movements.from_frame(frame, source="complément intégré à ctgstats (partiel)")

    def rp_tables(
        self, *, codes: Sequence[str] | None = None
    ) -> list[tuple[sources.FoundFile, pd.DataFrame]]:
        """Every census file found, as commune-indexed numeric tables, newest first.

        Each file must hold the key column of its base for its vintage
        (:data:`CENSUS_KEY_COLUMNS`, else a :class:`~ctgstats.data.readers.DataFileError`
        names the file and the column); its codes are commune codes (lost leading zeros
        are repaired with a warning when unambiguous, else refused).
        """
        tables = []
        for source_id in RP_SOURCES:
            for found in self.files(source_id):
                frame = self.read(found, pattern=RP_PATTERN, codes=codes, commune_codes=True)
                key = CENSUS_KEY_COLUMNS.get(source_id)
                if key is not None:
                    _require(
                        frame,
                        found,
                        key.format(yy=variables.yy(found.vintage)),
                        f"colonne de référence de la base pour son millésime {found.vintage}",
                    )
                tables.append((found, _index_by_code(frame)))
        tables.sort(key=lambda item: (-item[0].vintage, RP_SOURCES.index(item[0].source.id)))
        return tables

    def filosofi_table(
        self, *, year: int, level: str, codes: Sequence[str] | None = None
    ) -> pd.DataFrame | None:
        """Filosofi ``FILO{year}_DISP_{level}`` as a code-indexed table, or None if absent.

        The file must hold ``Q2{yy}`` (its median): a file without it is refused naming the
        file and the column, instead of every income figure becoming "n.d.".
        """
        files = self.files("filosofi_disp", vintage=year, level=level)
        if not files:
            return None
        found = files[0]
        frame = self.read(found, codes=codes, commune_codes=level.upper() == "COM")
        if _FILO_DISP.match(found.path.name):
            _require(
                frame,
                found,
                variables.filosofi("Q2", year),
                "médiane du niveau de vie, publiée par tout fichier FILOaaaa_DISP",
            )
        return _index_by_code(frame)

    def neet_table(self, *, level: str) -> pd.DataFrame | None:
        """Published NEET shares of one level (Observatoire des territoires), or None.

        Every ``neet_<level>_YYYY`` file found is read (newest first; for a code and year
        present in several files, the newest file wins).

        Returns
        -------
        pandas.DataFrame or None
            Columns ``code`` (str), ``libelle``, ``annee`` (int), ``valeur`` (the share in
            %, NaN when blank: not published), ``fichier`` (file name); None when no file
            of that level is in the data folders.

        Raises
        ------
        DataFileError
            A file lacks one of the columns ``codgeo``, ``an``, ``part_non_inseres`` (the
            message names the file and the columns), or holds a non-integer year.
        """
        files = self.files(NEET_SOURCE, level=level)
        if not files:
            return None
        frames = []
        for found in files:
            frame = self.read(
                found,
                required=("an", "part_non_inseres"),
                optional=("libgeo",),
                code_column="codgeo",
                unique_codes=False,
            )
            years = pd.to_numeric(frame["an"], errors="coerce")
            bad = years.isna() | (years != years.round())
            if bad.any():
                raise readers.DataFileError(
                    "année non entière",
                    path=found.path,
                    column="an",
                    value=frame.loc[bad, "an"].iloc[0],
                )
            frames.append(
                pd.DataFrame(
                    {
                        "code": frame["codgeo"].astype(str),
                        "libelle": frame.get("libgeo", pd.Series("", index=frame.index)),
                        "annee": years.astype(int),
                        "valeur": pd.to_numeric(frame["part_non_inseres"]),
                        "fichier": found.path.name,
                    }
                )
            )
        table = pd.concat(frames, ignore_index=True)
        return table.drop_duplicates(subset=["code", "annee"], keep="first").reset_index(drop=True)

    def filosofi_years(self) -> list[int]:
        """Filosofi vintages with at least one file."""
        return self.vintages("filosofi_disp")


def _require(frame: pd.DataFrame, found: sources.FoundFile, column: str, what: str) -> None:
    """Refuse a file without ``column``, naming the file and the column (French)."""
    if column not in frame.columns:
        raise readers.DataFileError(
            f"colonne obligatoire absente ({what}) : les indicateurs qui en dépendent "
            "seraient tous « n.d. » ; vérifier que le fichier est complet et bien nommé",
            path=found.path,
            column=(column,),
            member=found.member,
            sheet=found.sheet,
        )


def _index_by_code(frame: pd.DataFrame) -> pd.DataFrame:
    code = "CODGEO" if "CODGEO" in frame.columns else frame.columns[0]
    frame = frame.set_index(code)
    frame.index = frame.index.astype(str)
    frame.index.name = "CODGEO"
    return frame


def period_columns(columns: Sequence[str]) -> list[str]:
    """``NAIS``/``DECE`` period columns among ``columns``."""
    return [c for c in columns if re.fullmatch(r"(?:NAIS|DECE)\d{4}", c)]
