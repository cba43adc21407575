"""Maps: contours (reading, projection, harmonisation, EPCI outlines) and static maps.

Geometries are tiny hand-made squares; projected coordinates are checked against pyproj
called directly, areas and class limits against hand computations.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
import shapefile
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import Point, Polygon, box

from ctgstats.core.territories import Movements, composition_from_frame
from ctgstats.data import contours
from ctgstats.demo import DATA_DIR
from ctgstats.present import maps

# ------------------------------------------------------------------ helpers


def _composition(rows: list[tuple[str, str, str]], *, year: int = 2025):
    frame = pd.DataFrame(
        [
            {"CODGEO": c, "LIBGEO": n, "EPCI": e, "LIBEPCI": f"EPCI {e}", "DEP": "00", "REG": "00"}
            for c, n, e in rows
        ]
    )
    return composition_from_frame(frame, cog_year=year, source="composition de test")


def _merge_movements():
    """00013 merged into 00012 on 1 January 2019 (INSEE's v_mvt_commune layout)."""
    frame = pd.DataFrame(
        [
            {
                "MOD": "32",
                "DATE_EFF": "2019-01-01",
                "TYPECOM_AV": "COM",
                "COM_AV": c,
                "LIBELLE_AV": n,
                "TYPECOM_AP": "COM",
                "COM_AP": "00012",
                "LIBELLE_AP": "Vallons",
            }
            for c, n in (("00012", "Vallon-Haut"), ("00013", "Vallon-Bas"))
        ]
    )
    return Movements.from_frame(frame, source="mouvements de test")


# ------------------------------------------------------------------ geometry


def test_dissolving_two_adjacent_squares_gives_one_polygon_of_their_area():
    merged = contours.dissolve([box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)])
    assert merged.geom_type == "Polygon"
    assert merged.area == pytest.approx(2_000_000)
    assert merged.bounds == (0, 0, 2000, 1000)


def test_the_reference_point_lies_inside_a_concave_polygon():
    u_shape = Polygon([(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)])
    assert not u_shape.contains(u_shape.centroid)  # the centroid falls in the notch
    points = contours.representative_points({"00001": u_shape})
    assert list(points["code"]) == ["00001"]
    assert u_shape.contains(Point(points["x"].iloc[0], points["y"].iloc[0]))


def test_merged_communes_are_dissolved_and_recorded():
    composition = _composition([("00012", "Vallons", "E1"), ("00014", "Estive", "E1")])
    polygons = {
        "00012": box(0, 0, 1000, 1000),
        "00013": box(1000, 0, 2000, 1000),
        "00014": box(0, 1000, 1000, 2000),
        "00099": box(5000, 5000, 6000, 6000),  # in no composition, no movement
    }
    result, records, blocked = contours.harmonise_polygons(
        polygons,
        composition=composition,
        movements=_merge_movements(),
        source_year=2018,
        source="communes-00.geojson",
    )
    assert set(result) == {"00012", "00014"}
    assert result["00012"].area == pytest.approx(2_000_000)
    assert result["00014"].equals(polygons["00014"])
    assert [(r.old_codes, r.new_code, r.action) for r in records] == [
        (("00012", "00013"), "00012", "fusion")
    ]
    assert list(blocked) == ["00099"] and "inconnu du COG 2025" in blocked["00099"]


def test_epci_outlines_dissolve_their_communes():
    composition = _composition(
        [("00001", "A", "E1"), ("00002", "B", "E1"), ("00003", "C", "E2"), ("00004", "D", "E3")]
    )
    communes = contours.Contours(
        geometries={
            "00001": box(0, 0, 10, 10),
            "00002": box(10, 0, 20, 10),
            "00003": box(0, 10, 20, 20),
        },
        names={},
        source_year=2018,
        cog_year=2025,
    )
    outlines = contours.epci_outlines(communes, composition)
    assert set(outlines.geometries) == {"E1", "E2"}
    assert outlines.geometries["E1"].area == pytest.approx(200)
    assert outlines.geometries["E1"].geom_type == "Polygon"
    assert outlines.names["E1"] == "EPCI E1"
    assert "00004" in outlines.missing["E3"]  # a commune without contour: no outline
    assert outlines.cog_year == 2025 and outlines.source_year == 2018


# ------------------------------------------------------------------ classes and tables


def test_quantile_class_limits_computed_by_hand():
    values = [float(v) for v in range(1, 11)]
    # quantiles of 1..10 at 0, 0.2 … 1 (linear): 1 + 9 × k/5
    breaks = maps.class_breaks(values, classes=5, decimals=1)
    assert breaks == [1.0, 2.8, 4.6, 6.4, 8.2, 10.0]
    assert maps.assign_classes([1.0, 2.79, 2.8, 8.2, 10.0, math.nan], breaks) == [
        0,
        0,
        1,
        4,
        4,
        None,
    ]
    labels = maps.class_labels(breaks, decimals=1, unit="%")
    assert labels[0] == "1,0 à moins de 2,8\u00a0%"
    assert labels[-1] == "8,2 à 10,0\u00a0%"


def test_class_limits_enclose_every_value_and_merge_repeats():
    assert maps.class_breaks([0.04, 0.06], decimals=1) == [0.0, 0.1]
    assert maps.class_breaks([5.0, 5.0, 5.0]) == [5.0, 5.0]
    assert maps.class_breaks([math.nan]) == []


def test_map_table_rows_and_flags():
    codes = ["a", "b", "c", "d", "e"]
    table = maps.map_table(
        codes,
        names={"a": "Alpha", "b": "Bêta", "c": "Gamma", "d": "Delta", "e": "Epsilon"},
        values={"a": 10.0, "b": math.nan, "c": 20.0, "d": 5.0, "e": math.nan},
        status={"b": maps.SECRET, "d": maps.FLOOR},
        small={"c": True},
        classes=2,
    )
    assert list(table.columns) == ["code", "nom", "valeur", "statut", "classe", "petit_effectif"]
    assert list(table["code"]) == codes
    assert list(table["statut"]) == [
        "publié",
        "secret statistique",
        "publié",
        "plancher",
        "non disponible",
    ]
    # two classes over 5, 10, 20: median 10 → [5, 10) and [10, 20]
    assert list(table["classe"]) == ["10,0 à 20,0", "", "10,0 à 20,0", "5,0 à moins de 10,0", ""]
    assert math.isnan(table.loc[1, "valeur"]) and math.isnan(table.loc[4, "valeur"])
    assert list(table["petit_effectif"]) == [False, False, True, False, False]


def test_secret_and_missing_values_have_their_legend_entries():
    geometries = {c: box(i * 10, 0, i * 10 + 10, 10) for i, c in enumerate("abcd")}
    table = maps.map_table(
        list("abcd"),
        names={},
        values={"a": 1.0, "b": 2.0, "c": math.nan, "d": math.nan},
        status={"c": maps.SECRET, "d": f"{maps.MISSING} : commune absente du fichier"},
    )
    spec = maps.MapValues("test", "Carte de test", "%", 1, "Source de test", "fond de test")
    figure = maps.choropleth(geometries, table, spec, points=pd.DataFrame({"x": [5], "y": [5]}))
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert "secret statistique" in legend and "non disponible" in legend
    assert "Équipements" in legend
    captions = " ".join(t.get_text() for t in figure.texts)
    assert "Source de test" in captions and "fond de test" in captions
    hatched = [p for p in figure.axes[0].patches if p.get_hatch()]
    assert len(hatched) == 1  # only the secret commune


# ------------------------------------------------------------------ loaders


def _square_lonlat(lon: float, lat: float, size: float = 0.01) -> list[list[float]]:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def _to_l93(lon: float, lat: float) -> tuple[float, float]:
    return Transformer.from_crs(4326, 2154, always_xy=True).transform(lon, lat)


def _geojson(path: Path, features: list[dict], crs: str | None = None) -> Path:
    data: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_wgs84_geojson_is_projected_to_lambert_93(tmp_path):
    path = _geojson(
        tmp_path / "communes-31-test.geojson",
        [
            {
                "type": "Feature",
                "properties": {"code": "31471", "nom": "Saint-Béat"},
                "geometry": {"type": "Polygon", "coordinates": [_square_lonlat(0.69, 42.91)]},
            },
            {
                "type": "Feature",
                "properties": {"code": "09001", "nom": "Ailleurs"},
                "geometry": {"type": "Polygon", "coordinates": [_square_lonlat(1.5, 43.0)]},
            },
        ],
    )
    geometries, names = contours.read_contour_file(path, prefixes=("31",))
    assert set(geometries) == {"31471"} and names == {"31471": "Saint-Béat"}
    x, y = _to_l93(0.69, 42.91)
    west, south, _, _ = geometries["31471"].bounds
    assert west == pytest.approx(x, abs=1.0) and south == pytest.approx(
        min(y, _to_l93(0.70, 42.91)[1]), abs=1.0
    )
    assert 500_000 < x < 520_000  # Lambert 93 metres, not degrees


def test_a_lambert_93_geojson_with_its_crs_is_left_as_it_is(tmp_path):
    path = _geojson(
        tmp_path / "communes-00-test.geojson",
        [
            {
                "type": "Feature",
                "properties": {"INSEE_COM": "00001", "NOM": "Fictive"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[-1000, 6e6], [0, 6e6], [0, 6e6 + 1000], [-1000, 6e6]]],
                },
            }
        ],
        crs="urn:ogc:def:crs:EPSG::2154",
    )
    geometries, names = contours.read_contour_file(path)
    assert geometries["00001"].bounds == (-1000, 6e6, 0, 6e6 + 1000)
    assert names == {"00001": "Fictive"}


def test_a_file_without_a_code_field_is_refused_with_its_fields(tmp_path):
    path = _geojson(
        tmp_path / "communes-x.geojson",
        [
            {
                "type": "Feature",
                "properties": {"libelle": "X"},
                "geometry": {"type": "Point", "coordinates": [0, 0]},
            }
        ],
    )
    with pytest.raises(contours.ContourFileError, match=r"communes-x.geojson.*libelle"):
        contours.read_contour_file(path)


def _shapefile(path: Path, rows: list[tuple[str, str, list[list[float]]]], prj: str | None) -> Path:
    with shapefile.Writer(str(path), shapeType=shapefile.POLYGON, encoding="utf-8") as writer:
        writer.field("INSEE_COM", "C", size=5)
        writer.field("NOM", "C", size=50)
        for code, name, ring in rows:
            writer.poly([ring])
            writer.record(code, name)
    if prj is not None:
        path.with_suffix(".prj").write_text(prj, encoding="utf-8")
    return path


def test_an_admin_express_shapefile_in_wgs84_with_its_prj(tmp_path):
    ring = _square_lonlat(0.69, 42.91)[::-1]  # clockwise outer ring (shapefile rule)
    path = _shapefile(
        tmp_path / "COMMUNE.shp", [("31471", "Saint-Béat", ring)], CRS.from_epsg(4326).to_wkt()
    )
    geometries, names = contours.read_contour_file(path)
    x, _ = _to_l93(0.69, 42.91)
    assert geometries["31471"].bounds[0] == pytest.approx(x, abs=1.0)
    assert names == {"31471": "Saint-Béat"}


def test_a_lambert_93_shapefile_without_prj_is_recognised_by_its_coordinates(tmp_path):
    ring = [
        [510_000, 6_200_000],
        [510_000, 6_201_000],
        [511_000, 6_201_000],
        [511_000, 6_200_000],
        [510_000, 6_200_000],
    ]
    path = _shapefile(tmp_path / "COMMUNE.shp", [("31298", "Lez", ring)], None)
    geometries, _ = contours.read_contour_file(path)
    assert geometries["31298"].area == pytest.approx(1_000_000)
    assert geometries["31298"].bounds == (510_000, 6_200_000, 511_000, 6_201_000)


# ------------------------------------------------------------------ the demo chapter


@pytest.fixture(scope="module")
def demo_portrait(tmp_path_factory):
    from ctgstats.portrait.build import build_portrait

    repo = Path(__file__).resolve().parents[1]
    cache = tmp_path_factory.mktemp("cache")
    return build_portrait(None, params_file=repo / "params" / "demo.yaml", cache_dir=cache)


def test_the_demo_contours_are_voronoi_cells_offshore():
    path = DATA_DIR / "geo" / "communes-00-2018" / "communes-00-val-d-exemple.geojson"
    geometries, names = contours.read_contour_file(path)
    assert len(geometries) == 43 and names["00013"] == "Vallon-Bas"
    assert all(g.bounds[2] < 0 for g in geometries.values())  # x < 0: in the ocean
    union = contours.dissolve(geometries.values())
    outline, _ = contours.read_contour_file(
        path.with_name("departement-00-val-d-exemple.geojson"), level="DEP"
    )
    # the cells tile the département (5-decimal rounding of WGS84 leaves slivers)
    assert union.area == pytest.approx(outline["00"].area, rel=1e-3)


def test_the_demo_maps_dissolve_the_merged_commune(demo_portrait):
    table = demo_portrait.tables["carte_age_60_plus"]
    members = list(demo_portrait.territory.communes)
    assert sorted(table["code"]) == members and "00013" not in set(table["code"])
    merges = demo_portrait.tables["contours_harmonisation"]
    assert list(merges["anciens_codes"]) == ["00012, 00013"]
    assert list(merges["code_cog"]) == ["00012"]
    # the share of 60+ of a commune, recomputed from its census columns (RP2022)
    row = demo_portrait.census_communes.loc["00001"]
    old = row["P22_POP6074"] + row["P22_POP7589"] + row["P22_POP90P"]
    value = table.set_index("code").loc["00001", "valeur"]
    assert value == pytest.approx(100 * old / row["P22_POP"])
    poverty = demo_portrait.tables["carte_pauvrete"]
    assert (poverty["statut"] == "secret statistique").any()
    assert poverty.loc[poverty["statut"] != "publié", "classe"].eq("").all()
    shapes = demo_portrait.tables["contours"]
    assert set(shapes["niveau"]) == {"commune", "epci", "departement"}
    assert (shapes["cog"] == 2025).all() and (shapes["edition"] == 2018).all()


def test_without_contours_the_chapter_says_carte_non_disponible(tmp_path):
    from ctgstats.portrait.build import build_portrait
    from ctgstats.portrait.maps import views

    data = tmp_path / "demo"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("geo", "enquetes", "suivi"))
    portrait = build_portrait(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "cog_year": 2025,
            "census": {"vintages": [2011, 2016, 2022]},
            "data_dirs": [str(data)],
        },
        cache_dir=tmp_path / "cache",
    )
    assert not any(name.startswith("carte_") for name in portrait.tables)
    shown = views.situation(portrait).data
    assert "Carte non disponible" in shown and "aucun fichier de contours" in shown
    assert "Carte non disponible" in views.choropleth(portrait, "pauvrete").data


def test_the_portal_map_is_inline_and_lists_its_territories(tmp_path):
    from ctgstats.publish.portal import write_portal

    for slug, code, square in (
        ("epci-1", "000000001", box(0, 0, 5000, 5000)),
        ("epci-2", "000000002", box(5000, 0, 10000, 5000)),
    ):
        folder = tmp_path / slug
        (folder / "tables").mkdir(parents=True)
        (folder / "manifest.json").write_text(
            json.dumps(
                {
                    "tool": "ctgstats",
                    "status": "success",
                    "finished_at": "2026-03-01T10:00:00+01:00",
                    "territory": {"level": "epci", "code": code, "name": f"EPCI {code[-1]}"},
                    "fictional_data": True,
                    "outputs": [],
                    "error": None,
                }
            ),
            encoding="utf-8",
        )
        pd.DataFrame(
            [
                {
                    "niveau": "epci",
                    "code": code,
                    "nom": "x",
                    "edition": 2018,
                    "cog": 2025,
                    "wkt": shapely.to_wkt(square),
                }
            ]
        ).to_csv(folder / "tables" / "contours.csv", index=False)
        value = 30.0 if code.endswith("1") else 40.0
        (folder / "tables" / "chiffres_cles.csv").write_text(
            "indicateur,niveau,code,annee,valeur,unite,source,ic_bas,ic_haut,note\n"
            f'part_60_plus,epci,{code},2022,{value},%,"Insee, RP2022",,,\n',
            encoding="utf-8",
        )
    page = write_portal(tmp_path).read_text(encoding="utf-8")
    assert 'id="carte"' in page and 'src="data:image/png;base64,' in page
    table = pd.read_csv(tmp_path / "tables" / "carte_portail.csv", dtype={"code": str})
    assert list(table["code"]) == ["epci-1", "epci-2"]
    assert list(table["valeur"]) == [30.0, 40.0]
    assert list(table["territoire"]) == ["epci:000000001", "epci:000000002"]


def test_commune_points_of_the_demo_lie_in_the_2025_communes(tmp_path):
    from ctgstats.data.catalog import Catalog

    catalog = Catalog.from_dirs(["ctgstats:demo"], cache_dir=tmp_path)
    points = contours.commune_points(catalog, cog_year=2025, communes=["00001", "00012", "00018"])
    assert list(points.columns) == ["code", "x", "y"]
    assert list(points["code"]) == ["00001", "00012", "00018"]
    raw, _ = contours.read_contour_file(
        DATA_DIR / "geo" / "communes-00-2018" / "communes-00-val-d-exemple.geojson"
    )
    vallons = raw["00012"].union(raw["00013"])  # merged on 1 January 2019
    for code, x, y in points.itertuples(index=False):
        area = vallons if code == "00012" else raw[code]
        assert area.buffer(1.0).contains(Point(x, y)), code
        assert x < 0  # offshore
    assert any(path.suffix == ".geojson" for path in catalog.used)  # recorded for the manifest


def test_commune_points_without_contours_is_none(tmp_path):
    from ctgstats.data.catalog import Catalog

    data = tmp_path / "cog"
    shutil.copytree(DATA_DIR / "insee" / "cog", data)
    catalog = Catalog.from_dirs([str(data)], cache_dir=tmp_path / "cache")
    assert contours.commune_points(catalog, cog_year=2025, communes=["00001"]) is None
