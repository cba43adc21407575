"""Maps of the real CC Pyrénées Haut-Garonnaises (EPCI 200072635) in the 2026 geography.

The contours are IGN Admin Express COG 2018 (../shared/data/geo/communes-31-2018), in
which Lez (31298) and Saint-Béat (31471) are still separate: they merged into
Saint-Béat-Lez (31471) on 1 January 2019, so the map of the 2026 geography must dissolve
them. Expected values are read from the raw files with the ``csv`` and ``json`` modules.
Skipped when ../shared is absent.
"""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import shape
from tests.helpers import SHARED_INSEE

from ctgstats.portrait.build import build_portrait
from ctgstats.portrait.maps import views
from ctgstats.publish.report import write_tables

pytestmark = pytest.mark.shared
EPCI = "200072635"
GEO = SHARED_INSEE.parent / "geo" / "communes-31-2018"


@pytest.fixture(scope="module")
def portrait(tmp_path_factory):
    if not GEO.is_dir():
        pytest.skip("../shared/data is absent (a user's clone has no ../shared)")
    return build_portrait(
        {
            "territory": {"level": "epci", "code": EPCI},
            "data_dirs": [
                str(SHARED_INSEE / "rp2022-ccphg"),
                str(SHARED_INSEE / "filosofi-dep31"),
                str(SHARED_INSEE / "cog"),
                str(GEO),
            ],
        },
        cache_dir=tmp_path_factory.mktemp("cache"),
    )


@pytest.fixture(scope="module")
def raw():
    with open(SHARED_INSEE / "cog" / "communes-epci-2026_dep31.csv", encoding="utf-8-sig") as f:
        members = {r["code"] for r in csv.DictReader(f, delimiter=";") if r["epci_code"] == EPCI}
    data = json.loads((GEO / "communes-31-haute-garonne.geojson").read_text(encoding="utf-8"))
    features = {f["properties"]["code"]: f for f in data["features"]}
    return members, features


def test_the_2026_map_draws_76_communes_with_lez_dissolved_into_saint_beat(portrait, raw, tmp_path):
    members, features = raw
    assert len(members) == 76 and portrait.cog_year == 2026
    assert "31298" in features and "31298" not in members  # separate in 2018 only
    written = write_tables(portrait, tmp_path / "tables", stem="ccphg")
    maps_written = [
        w for w in written if w.startswith("tables/carte_") and not w.endswith("_fr.csv")
    ]
    assert maps_written
    for name in maps_written:
        table = pd.read_csv(tmp_path / name, dtype={"code": str})
        codes = list(table["code"])
        assert len(codes) == 76 and set(codes) == members, name
        assert codes.count("31471") == 1 and "31298" not in codes, name
    merges = portrait.tables["contours_harmonisation"]
    assert list(merges["anciens_codes"]) == ["31298, 31471"]
    assert list(merges["code_cog"]) == ["31471"]
    figure = views.choropleth(portrait, "age_60_plus")
    assert len(figure.axes[0].patches) == 76 + 1  # the communes and the EPCI outline


def test_saint_beat_lez_is_the_union_of_its_two_2018_communes(portrait, raw):
    _, features = raw
    shapes = portrait.tables["contours"]
    commune = shapes[(shapes["niveau"] == "commune") & (shapes["code"] == "31471")]
    drawn = shapely.from_wkt(commune["wkt"].iloc[0])
    # the same union computed independently: pyproj on every vertex, then shapely
    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True).transform
    lez = shapely.transform(shape(features["31298"]["geometry"]), to_l93, interleaved=False)
    beat = shapely.transform(shape(features["31471"]["geometry"]), to_l93, interleaved=False)
    expected = shapely.union_all([lez, beat])
    assert drawn.geom_type == "Polygon"  # one piece: the shared edge is gone
    assert drawn.area == pytest.approx(expected.area, rel=0.01)  # simplified at 20 m
    assert drawn.area > 1.05 * max(lez.area, beat.area)  # both 2018 communes are in it
    assert drawn.symmetric_difference(expected).area < 0.02 * expected.area
    departement = shapes[shapes["niveau"] == "departement"]
    assert list(departement["code"]) == ["31"]
