"""The blank inventory template (CSV or XLSX) that ``ctgstats dispositifs-modele`` writes.

The CSV is the header line only (``;``, UTF-8 with BOM so that Excel reads the accents).
The workbook has the sheet ``dispositifs`` (header on line 1, to be filled from line 2),
a sheet ``notice`` describing each column and a sheet ``codes`` listing every code
accepted (CTG themes, coverage grades, and data·inclusion's themes, publics and networks
with the schema version they come from).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from ctgstats.core.errors import InputError
from ctgstats.portrait.dispositifs.codes import code_lists
from ctgstats.portrait.dispositifs.read import COLUMNS, SHEET

__all__ = ["code_rows", "write_template"]


def code_rows() -> list[tuple[str, str, str]]:
    """``(colonne, code, libellé)`` of every accepted code, in the order of the columns."""
    lists = code_lists()
    rows = [("theme_ctg", code, theme.label) for code, theme in lists.themes.items()]
    rows += [("couverture_besoins", code, label) for code, label in lists.couverture.items()]
    source = f" ({lists.schema_label})"
    for column, codes in (
        ("thematiques", lists.thematiques),
        ("publics", lists.publics),
        ("reseaux_porteurs", lists.reseaux_porteurs),
    ):
        rows += [(column, code, label + source) for code, label in codes.items()]
    return rows


def _write_xlsx(path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([c.name for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    notice = workbook.create_sheet("notice")
    notice.append(["colonne", "libellé", "obligatoire", "description", "exemple"])
    for column in COLUMNS:
        notice.append(
            [
                column.name,
                column.label,
                "oui" if column.required else "non",
                column.help
                + (" — champ du schéma data·inclusion" if column.data_inclusion else ""),
                column.example,
            ]
        )
    codes = workbook.create_sheet("codes")
    codes.append(["colonne", "code", "libellé"])
    for row in code_rows():
        codes.append(list(row))
    for extra in (notice, codes):
        for cell in extra[1]:
            cell.font = Font(bold=True)
    workbook.save(path)


def write_template(path: Path | str) -> Path:
    """Write the blank inventory template to ``path`` (``.csv`` or ``.xlsx``).

    Raises
    ------
    InputError
        Another extension, or a folder that does not exist.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError(
            f"{path} : extension {suffix or '(aucune)'} non prise en charge ; "
            "donnez un fichier .xlsx ou .csv"
        )
    if not path.parent.is_dir():
        raise InputError(f"{path} : le dossier {path.parent} n'existe pas")
    if suffix == ".csv":
        path.write_bytes(("\ufeff" + ";".join(c.name for c in COLUMNS) + "\r\n").encode("utf-8"))
    else:
        _write_xlsx(path)
    return path
