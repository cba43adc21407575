"""Panorama of poverty: the analyst's profiles and aggravating factors next to the proxies.

The profiles of the Insee–DIPLP panoramas are not public files ctgstats reads: the test
writes a local-data table in the user-table template (fictional values) and checks they
are shown as supplied, beside the proxies taken unchanged from the portrait's figures.
"""

from __future__ import annotations

import math

import pytest

from ctgstats.indicators import panorama

TABLE = (
    "indicateur,code,niveau,periode,valeur,numerateur,denominateur,source,commentaire\n"
    "profil_pauvrete_retraites,000000101,epci,2021,31.5,,,Insee-DIPLP panorama,fictif\n"
    "profil_pauvrete_retraites,00,departement,2021,27,,,Insee-DIPLP panorama,fictif\n"
    "facteur_aggravant_mobilite,000000101,epci,2021,12,,,Insee-DIPLP panorama,fictif\n"
)


@pytest.fixture(scope="module")
def portrait(tmp_path_factory):
    from ctgstats.portrait.build import build_portrait

    folder = tmp_path_factory.mktemp("panorama")
    (folder / "profils.csv").write_text(TABLE, encoding="utf-8")
    return build_portrait(
        {
            "territory": {"level": "epci", "code": "000000101"},
            "cog_year": 2025,
            "census": {"vintages": [2011, 2016, 2022]},
            "data_dirs": ["ctgstats:demo"],
            "indicators": {"user_tables": [str(folder / "profils.csv")]},
        }
    )


def test_supplied_profiles_and_proxies_side_by_side(portrait):
    rows = panorama.panorama_rows(portrait).set_index("indicateur")
    epci, dep = "epci:000000101", "departement:00"
    assert rows.at["profil_pauvrete_retraites", epci] == 31.5
    assert rows.at["profil_pauvrete_retraites", dep] == 27.0
    assert rows.at["profil_pauvrete_retraites", "nature"] == panorama.LOCAL
    assert math.isnan(rows.at["profil_pauvrete_travailleurs", epci])  # not supplied
    assert rows.at["facteur_aggravant_mobilite", epci] == 12.0
    # each proxy is the portrait's own latest figure, labelled as a proxy
    for ident in ("part_menages_sans_voiture", "taux_couverture_accueil_jeune_enfant"):
        figures = portrait.figures[
            (portrait.figures["indicateur"] == ident)
            & (portrait.figures["territoire"] == epci)
            & portrait.figures["disponible"]
        ]
        latest = figures.loc[figures["annee"].astype(int).idxmax()]
        assert rows.at[ident, "nature"] == panorama.PROXY
        assert rows.at[ident, "annee"] == latest["annee"]
        assert rows.at[ident, epci] == pytest.approx(latest["valeur"])
    html = panorama.panorama(portrait).data
    assert "non fourni" in html and "31,5" in html and "profil_pauvrete" not in html
