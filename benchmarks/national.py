"""Seeded generator of national-size SYNTHETIC files in INSEE's real formats (benchmark only).

``python benchmarks/national.py OUT [--communes 35000] [--epcis 1250] [--seed 2026]``

Writes, under ``OUT``, the files the portrait chapters read, with the same file names,
members, header lines and columns as INSEE's (and the Observatoire des territoires'),
for every metropolitan département of the built-in départements → régions table (96):
the composition table ``Intercommunalite_Metropole_au_01-01-2025.xlsx``, the census bases
``base-cc-*`` of every vintage of the demo (zips and XLSX), Filosofi (DISP and Pauvres, at
every level), the NEET files and an empty table of commune events.

How: every file of the fictional demo département (:mod:`ctgstats.demo`) is a template.
Each national EPCI copies one demo EPCI (chosen with the seed) and each of its communes
copies one commune of that demo EPCI: its rows of every file (every vintage), so that
each copied row keeps the accounting identities of the demo (the portrait checks them).
Départements copy the demo département's rows, régions the demo région's, France stays.
Codes have INSEE's formats (``DDNNN`` communes in real département codes, 9-digit EPCI
codes starting with ``9`` so none is a real SIREN); names say "synthétique". The files
are written to a temporary folder by the benchmark and never published.
"""

from __future__ import annotations

import argparse
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import openpyxl

from ctgstats.demo import DATA_DIR

TEMPLATE_EPCIS = ("000000101", "000000102", "000000103", "000000104")
DEMO_DEP, DEMO_REG = "00", "00"
COMPOSITION = "insee/cog/Intercommunalite_Metropole_au_01-01-2025.xlsx"


@dataclass(frozen=True)
class Geography:
    """The synthetic national geography and the demo rows each code copies."""

    communes: dict[str, str]  # national commune -> demo commune
    commune_epci: dict[str, str]  # national commune -> national EPCI
    epcis: dict[str, str]  # national EPCI -> demo EPCI
    departements: dict[str, str]  # département -> région


def _departements() -> dict[str, str]:
    path = resources.files("ctgstats") / "data" / "departements_regions.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["DEP"]: row["REG"] for row in csv.DictReader(handle)}


def _demo_composition() -> dict[str, list[str]]:
    """Demo EPCI -> its communes (2025 geography)."""
    sheet = openpyxl.load_workbook(DATA_DIR / COMPOSITION, read_only=True)["Composition_communale"]
    members: dict[str, list[str]] = {}
    for row in sheet.iter_rows(min_row=7, values_only=True):
        if row[0]:
            members.setdefault(str(row[2]), []).append(str(row[0]))
    return members


def geography(*, communes: int, epcis: int, seed: int) -> Geography:
    """Draw the national geography: EPCIs spread over départements, communes over EPCIs."""
    rng = np.random.default_rng(seed)
    departements = _departements()
    deps = [dep for dep in departements if len(dep) == 2]  # metropolitan France
    demo = _demo_composition()
    sizes = rng.multinomial(communes - epcis, np.full(epcis, 1 / epcis)) + 1
    result_communes, commune_epci, result_epcis = {}, {}, {}
    counters = dict.fromkeys(deps, 0)
    for index, size in enumerate(sizes):
        dep = deps[index % len(deps)]
        epci = f"9{index:08d}"
        template = TEMPLATE_EPCIS[int(rng.integers(len(TEMPLATE_EPCIS)))]
        result_epcis[epci] = template
        for draw in rng.integers(len(demo[template]), size=int(size)):
            counters[dep] += 1
            code = f"{dep}{counters[dep]:03d}"
            result_communes[code] = demo[template][int(draw)]
            commune_epci[code] = epci
    kept = {dep: departements[dep] for dep in deps}
    return Geography(result_communes, commune_epci, result_epcis, kept)


def _copies(geo: Geography, level: str) -> dict[str, list[str]]:
    """Demo code -> the national codes that copy its rows, for one level."""
    if level == "COM":
        pairs: Iterator[tuple[str, str]] = iter(geo.communes.items())
    elif level == "EPCI":
        pairs = iter(geo.epcis.items())
    elif level == "DEP":
        pairs = ((dep, DEMO_DEP) for dep in geo.departements)
    elif level == "REG":
        pairs = ((reg, DEMO_REG) for reg in sorted(set(geo.departements.values())))
    else:
        return {}
    copies: dict[str, list[str]] = {}
    for national, demo in pairs:
        copies.setdefault(demo, []).append(national)
    return copies


def _level(name: str) -> str:
    lowered = name.lower()
    for key, level in (
        ("_epci", "EPCI"),
        ("_dep", "DEP"),
        ("_dpt", "DEP"),
        ("_reg", "REG"),
        ("_metropole", "FRANCE"),
    ):
        if key in lowered:
            return level
    return "COM"


def _filled(header: list[str], values: list, national: str, geo: Geography) -> list:
    """``values`` of a demo row with its code, label, département and région replaced."""
    dep = national[:2] if len(national) == 5 else None
    for index, name in enumerate(header):
        key = name.lstrip("\ufeff").strip('"').upper()
        if key == "CODGEO":
            values[index] = national
        elif key == "LIBGEO":
            values[index] = f"{national} (synthétique)"
        elif key == "DEP" and dep:
            values[index] = dep
        elif key == "REG" and dep:
            values[index] = geo.departements[dep]
    return values


def _rewrite_csv(text: str, copies: dict[str, list[str]], geo: Geography) -> str:
    """Rows of ``text`` (``;``-separated, code first) repeated under the national codes."""
    if not copies:
        return text
    lines = text.splitlines()
    header = lines[0].split(";")
    out = [lines[0]]
    for line in lines[1:]:
        values = line.split(";")
        for national in copies.get(values[0].strip('"'), ()):
            out.append(";".join(_filled(header, list(values), national, geo)))
    return "\n".join(out) + "\n"


def _zip(source: Path, target: Path, geo: Geography) -> None:
    copies = _copies(geo, "COM")
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as written:
        for info in archive.infolist():
            data = archive.read(info)
            if not info.filename.lower().startswith("meta_"):
                data = _rewrite_csv(data.decode("utf-8"), copies, geo).encode("utf-8")
            written.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)


def _xlsx_census(source: Path, target: Path, geo: Geography) -> None:
    copies = _copies(geo, "COM")
    book = openpyxl.load_workbook(source)
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = next((i for i, row in enumerate(rows) if row and row[0] == "CODGEO"), None)
        if header is None:
            continue
        body = rows[header + 1 :]
        sheet.delete_rows(header + 2, len(body))
        names = [str(v) for v in rows[header]]
        for row in body:
            for national in copies.get(str(row[0]), ()):
                sheet.append(_filled(names, list(row), national, geo))
    book.save(target)


def _composition(target: Path, geo: Geography) -> None:
    book = openpyxl.load_workbook(DATA_DIR / COMPOSITION)
    epci_sheet, composition = book["EPCI"], book["Composition_communale"]
    epci_sheet.delete_rows(7, epci_sheet.max_row)
    composition.delete_rows(7, composition.max_row)
    counts: dict[str, int] = {}
    for epci in geo.commune_epci.values():
        counts[epci] = counts.get(epci, 0) + 1
    names = {epci: f"CC synthétique {epci}" for epci in geo.epcis}
    for epci in geo.epcis:
        epci_sheet.append([epci, names[epci], "CC", counts[epci]])
    for code, epci in geo.commune_epci.items():
        dep = code[:2]
        composition.append(
            [code, f"Commune {code} (synthétique)", epci, names[epci], dep, geo.departements[dep]]
        )
    book.save(target)


def generate(
    out: Path, *, communes: int = 35_000, epcis: int = 1_250, seed: int = 2026
) -> Geography:
    """Write the national synthetic files under ``out``; returns the geography drawn."""
    geo = geography(communes=communes, epcis=epcis, seed=seed)
    for source in sorted(DATA_DIR.rglob("*")):
        relative = source.relative_to(DATA_DIR)
        if not source.is_file() or relative.parts[0] not in {"insee", "observatoire"}:
            continue
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative.as_posix() == COMPOSITION:
            _composition(target, geo)
        elif source.name.startswith("v_mvt_commune"):
            header = source.read_text(encoding="utf-8").splitlines()[0]
            target.write_text(header + "\n", encoding="utf-8")
        elif source.suffix == ".zip":
            _zip(source, target, geo)
        elif source.suffix == ".xlsx":
            _xlsx_census(source, target, geo)
        elif source.suffix.lower() == ".csv":
            text = source.read_text(encoding="utf-8")
            copies = _copies(geo, _level(source.stem))
            target.write_text(_rewrite_csv(text, copies, geo), encoding="utf-8")
    return geo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--communes", type=int, default=35_000)
    parser.add_argument("--epcis", type=int, default=1_250)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    geo = generate(args.out, communes=args.communes, epcis=args.epcis, seed=args.seed)
    print(f"{len(geo.communes)} communes, {len(geo.epcis)} EPCI écrits dans {args.out}")


if __name__ == "__main__":
    main()
