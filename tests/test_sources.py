"""Tests of ctgstats.data.sources: registry entries and discovery of files on disk."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from ctgstats.data.sources import (
    FILOSOFI_LEVELS,
    NEET_LEVELS,
    REGISTRY,
    SOURCE_IDS,
    DiscoveryConflictError,
    SourceSpec,
    UnknownSourceError,
    discover,
    get_source,
    spec_for,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"


def test_registry_keys_are_unique_and_ids_known():
    keys = [spec.key for spec in REGISTRY]
    assert len(keys) == len(set(keys))
    assert {spec.id for spec in REGISTRY} == set(SOURCE_IDS)
    assert set(SOURCE_IDS) == {
        "rp_evol_struct_pop",
        "rp_coupl_fam_men",
        "rp_serie_historique",
        "caf_prestations",
        "rp_logement",
        "rp_emploi_pop_active",
        "rp_diplomes_formation",
        "rp_caract_emp",
        "observatoire_neet",
        "filosofi_disp",
        "filosofi_pauvres",
        "filosofi_cc",
        "cog_epci_composition",
        "cog_communes_epci",
        "cog_mouvements",
        "caf_txcouv_pe",
        "sdes_rpls",
        "insee_bpe",
        "insee_bpe_xy",
        "ign_contours",
    }


def test_registry_covers_the_wanted_vintages():
    vintages = {(s.id, s.vintage, s.level) for s in REGISTRY}
    for year in range(2016, 2023):
        for source in ("rp_evol_struct_pop", "rp_coupl_fam_men", "rp_serie_historique"):
            assert (source, year, None) in vintages
    for year in range(2016, 2022):
        levels = {lvl for s, v, lvl in vintages if s == "filosofi_disp" and v == year}
        assert levels >= {"EPCI", "DEP", "REG", "METROPOLE"}
    for year in range(2020, 2027):
        assert ("cog_epci_composition", year, None) in vintages
        assert ("cog_mouvements", year, None) in vintages


@pytest.mark.parametrize("spec", REGISTRY, ids=lambda s: f"{s.id}-{s.vintage}-{s.level}")
def test_registry_entry_is_well_formed(spec: SourceSpec):
    assert spec.title and spec.producer and spec.filename_patterns
    assert spec.geography_year is not None and spec.geography_year >= spec.vintage
    assert spec.sha256 is None or re.fullmatch(r"[0-9a-f]{64}", spec.sha256)
    if spec.url is None:
        assert spec.notes, "a spec without URL must say why"
    else:
        assert spec.url.startswith("https://www.insee.fr/fr/statistiques/fichier/")
        assert "latest" not in spec.url.lower()
        assert spec.matches(spec.filename)
    if spec.id == "filosofi_disp":
        assert spec.level in FILOSOFI_LEVELS
        assert spec.archive_member == f"FILO{spec.vintage}_DISP_{spec.level}.csv"
    elif spec.id == "observatoire_neet":
        assert spec.level in NEET_LEVELS.values()
    elif spec.id == "filosofi_pauvres":  # same archives, spelled PAUVRES from 2020
        assert spec.level in FILOSOFI_LEVELS
        spelling = "Pauvres" if spec.vintage < 2020 else "PAUVRES"
        assert spec.archive_member == f"FILO{spec.vintage}_DISP_{spelling}_{spec.level}.csv"
    elif spec.id == "caf_txcouv_pe":  # multi-year exports of data.caf.fr, one per level
        assert spec.level in ("COM", "EPCI", "DEP", "NAT") and spec.vintage == 0
        assert spec.matches(f"txcouv_pe_{spec.level.lower()}.csv")
    elif spec.id == "caf_prestations":  # one export per benefit and level
        level, benefit = spec.level.split(":")
        assert level in ("COM", "EPCI", "DEP", "NAT") and spec.vintage == 0
        assert spec.matches(f"caf_{benefit.lower()}_{level.lower()}.csv")
        assert spec.matches(f"caf_{benefit.lower()}_{level.lower()}_2019.csv")
    elif spec.id == "ign_contours":  # IGN Admin Express COG, national COMMUNE.shp
        assert spec.level == "COM" and spec.matches("COMMUNE.shp")
    else:
        assert spec.level is None


def test_geography_years():
    assert get_source("rp_evol_struct_pop", 2022).geography_year == 2025
    assert get_source("rp_serie_historique", 2020).geography_year == 2023
    assert get_source("filosofi_disp", 2019, "EPCI").geography_year == 2020
    assert get_source("cog_epci_composition", 2020).geography_year == 2020
    assert get_source("cog_epci_composition", 2020).sheet == "Composition_communale"


def test_get_source_errors_list_what_exists():
    with pytest.raises(UnknownSourceError, match="identifiants connus"):
        get_source("rp_emploi_inconnu", 2022)
    with pytest.raises(UnknownSourceError, match="2022"):
        get_source("rp_evol_struct_pop", 2030)
    with pytest.raises(UnknownSourceError, match="demande un niveau"):
        get_source("filosofi_disp", 2019)
    assert get_source("filosofi_disp", 2019, "epci").level == "EPCI"


def test_spec_for_makes_unknown_vintages_on_the_fly():
    spec = spec_for("filosofi_disp", 2014, "COM")
    assert spec.url is None and spec.sha256 is None
    assert spec.geography_year == 2015
    assert "not in the registry" in spec.notes
    assert spec.matches("FILO2014_DISP_COM.csv")


def touch(path: Path, content: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_discover_recognises_names_and_vintages(tmp_path):
    touch(tmp_path / "rp" / "base-cc-evol-struct-pop-2030.CSV")
    touch(tmp_path / "rp" / "meta_base-cc-evol-struct-pop-2030.CSV")
    touch(tmp_path / "rp" / "base-ccc-coupl-fam-men-2017-COM.zip")  # overseas: not ours
    touch(tmp_path / "cog" / "v_mvt_commune_2024.csv")
    touch(tmp_path / "cog" / "mvtcommune2020-csv.zip")
    touch(tmp_path / "cog" / "epci_au_01-01-2025.zip")
    touch(tmp_path / "cog" / "Intercommunalite_Metropole_au_01-01-2021.xlsx")
    touch(tmp_path / "notes.txt")
    found = {(f.source.id, f.vintage, f.level): f for f in discover([tmp_path])}
    assert set(found) == {
        ("rp_evol_struct_pop", 2030, None),
        ("cog_mouvements", 2024, None),
        ("cog_mouvements", 2020, None),
        ("cog_epci_composition", 2025, None),
        ("cog_epci_composition", 2021, None),
    }
    rp = found[("rp_evol_struct_pop", 2030, None)]
    assert rp.source.url is None and rp.source.geography_year == 2033
    assert found[("cog_mouvements", 2024, None)].source.url.endswith("v_mvt_commune_2024.csv")
    xlsx = found[("cog_epci_composition", 2021, None)]
    assert xlsx.sheet == "Composition_communale" and xlsx.member is None


def test_discover_expands_a_supra_archive_into_levels(tmp_path):
    touch(tmp_path / "indic-struct-distrib-revenu-2019-SUPRA_csv.zip")
    touch(tmp_path / "extracted" / "FILO2019_DISP_EPCI.csv")
    everything = discover([tmp_path])
    found = {(f.vintage, f.level): f for f in everything if f.source.id == "filosofi_disp"}
    assert set(found) == {(2019, level) for level in ("EPCI", "DEP", "REG", "METROPOLE")}
    pauvres = {(f.vintage, f.level): f for f in everything if f.source.id == "filosofi_pauvres"}
    assert pauvres[(2019, "EPCI")].member == "FILO2019_DISP_Pauvres_EPCI.csv"
    epci = found[(2019, "EPCI")]
    assert epci.path.name == "FILO2019_DISP_EPCI.csv"  # csv preferred to zip
    assert [p.name for p in epci.alternatives] == ["indic-struct-distrib-revenu-2019-SUPRA_csv.zip"]
    assert found[(2019, "DEP")].member == "FILO2019_DISP_DEP.csv"


def test_discover_prefers_csv_then_zip_then_xlsx(tmp_path):
    touch(tmp_path / "a" / "base-cc-coupl-fam-men-2021.xlsx")
    touch(tmp_path / "b" / "base-cc-coupl-fam-men-2021_csv.zip")
    (found,) = discover([tmp_path])
    assert found.path.suffix == ".zip"
    assert [p.suffix for p in found.alternatives] == [".xlsx"]
    touch(tmp_path / "c" / "base-cc-coupl-fam-men-2021.CSV")
    (found,) = discover([tmp_path])
    assert found.path.suffix == ".CSV"
    assert sorted(p.suffix for p in found.alternatives) == [".xlsx", ".zip"]


def test_discover_accepts_identical_copies_and_refuses_different_ones(tmp_path):
    first = touch(tmp_path / "one" / "FILO2019_DISP_COM.csv", b"CODGEO;Q219\n31001;21010\n")
    touch(tmp_path / "two" / "FILO2019_DISP_COM.csv", first.read_bytes())
    (found,) = discover([tmp_path / "one", tmp_path / "two"])
    assert found.path == first and len(found.alternatives) == 1
    touch(tmp_path / "two" / "FILO2019_DISP_COM.csv", b"CODGEO;Q219\n31001;99999\n")
    with pytest.raises(DiscoveryConflictError) as caught:
        discover([tmp_path / "one", tmp_path / "two"])
    assert str(tmp_path / "one" / "FILO2019_DISP_COM.csv") in str(caught.value)
    assert str(tmp_path / "two" / "FILO2019_DISP_COM.csv") in str(caught.value)


def test_found_file_reads_through_the_archive_member(tmp_path):
    archive = tmp_path / "indic-struct-distrib-revenu-2019-COMMUNES_csv.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("FILO2019_DISP_COM.csv", "\ufeffCODGEO;Q219\r\n31001;21010\r\n")
        zf.writestr("FILO2019_DISP_Pauvres_COM.csv", "CODGEO;TP6019\r\n31001;12,5\r\n")
    found, pauvres = discover([tmp_path])
    assert (found.source.id, found.vintage, found.level) == ("filosofi_disp", 2019, "COM")
    table = found.read_table(required=["Q219"])
    assert table.loc[0, "Q219"] == 21010.0
    assert (pauvres.source.id, pauvres.level) == ("filosofi_pauvres", "COM")
    assert pauvres.read_table(required=["TP6019"]).loc[0, "TP6019"] == 12.5


@pytest.mark.shared
def test_discover_the_shared_data():
    if not SHARED.is_dir():
        pytest.skip(f"../shared/data absent: {SHARED} not found")
    found = {(f.source.id, f.vintage, f.level): f for f in discover([SHARED])}
    assert ("rp_evol_struct_pop", 2022, None) in found
    assert ("rp_coupl_fam_men", 2022, None) in found
    assert ("cog_epci_composition", 2020, None) in found
    assert ("cog_communes_epci", 2026, None) in found
    filosofi = {(v, lvl) for s, v, lvl in found if s == "filosofi_disp"}
    assert (2017, "COM") not in filosofi and (2017, "EPCI") in filosofi
    assert {(y, "EPCI") for y in range(2014, 2020)} <= filosofi
    assert found[("filosofi_disp", 2014, "EPCI")].source.url is None  # not in registry
    assert found[("filosofi_disp", 2019, "EPCI")].source.url is not None
    epci = found[("filosofi_disp", 2019, "EPCI")].read_table(required=["Q219"], codes=["200072635"])
    assert epci.loc[0, "Q219"] == 20690.0
    composition = found[("cog_epci_composition", 2020, None)]
    assert composition.sheet is None  # a csv, not the workbook
    assert len(composition.read_table(required=["EPCI"])) == 586


def test_contours_are_recognised_with_their_edition_and_departement(tmp_path):
    """Contours: the year from the name, else from the folders; per-département levels."""
    folder = tmp_path / "geo" / "communes-31-2018"
    folder.mkdir(parents=True)
    (folder / "communes-31-haute-garonne.geojson").write_text("{}", encoding="utf-8")
    (folder / "departement-31-haute-garonne.geojson").write_text("{}", encoding="utf-8")
    admin = tmp_path / "ADMIN-EXPRESS-COG_2-1__SHP__FRA_2020-11-20" / "ADE-COG_2-1_SHP_LAMB93_FR"
    admin.mkdir(parents=True)
    (admin / "COMMUNE.shp").write_bytes(b"shp")
    (tmp_path / "communes-20220101.shp").write_bytes(b"other")
    found = {
        (f.path.name, f.vintage, f.level)
        for f in discover([tmp_path])
        if f.source.id == "ign_contours"
    }
    assert found == {
        ("communes-31-haute-garonne.geojson", 2018, "COM-31"),
        ("departement-31-haute-garonne.geojson", 2018, "DEP-31"),
        ("COMMUNE.shp", 2020, "COM"),
        ("communes-20220101.shp", 2022, "COM"),
    }
