"""Tests of ctgstats.present.display: French formats, footnotes, escaping."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from IPython.display import HTML, Markdown
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from ctgstats.core.figures import figure, to_frame
from ctgstats.present import display

NBSP = "\u00a0"
MINUS = "\u2212"

SOURCE = "Insee, RP2022, exploitation principale"
LABELS = {"01001": "Commune A", "200000001": "CC du Test", "01": "Ain"}


def _figures() -> pd.DataFrame:
    rows = [
        figure(
            "01001",
            "population",
            2016,
            11000.2,
            unite="habitants",
            source="Insee, RP2016",
            definition="Population municipale.",
        ),
        figure(
            "01001",
            "population",
            2022,
            12345.67,
            unite="habitants",
            source=SOURCE,
            definition="Population municipale.",
        ),
        figure(
            "200000001",
            "population",
            2022,
            45678.0,
            unite="habitants",
            source=SOURCE,
            definition="Population municipale.",
        ),
        figure(
            "01",
            "population",
            2022,
            678901.0,
            unite="habitants",
            source=SOURCE,
            definition="Population municipale.",
        ),
        figure(
            "01001",
            "part_60_plus",
            2022,
            42.345,
            unite="%",
            source=SOURCE,
            definition="Population de 60 ans ou plus / population totale.",
        ),
        figure(
            "200000001",
            "part_60_plus",
            2022,
            30.0,
            unite="%",
            source=SOURCE,
            definition="Population de 60 ans ou plus / population totale.",
            note="Effectif inférieur à 200 : à interpréter avec prudence.",
        ),
        figure(
            "01",
            "part_60_plus",
            2022,
            None,
            unite="%",
            source=SOURCE,
            definition="Population de 60 ans ou plus / population totale.",
            note="Secret statistique",
        ),
        figure(
            "01001",
            "revenu_median_uc",
            2021,
            None,
            unite="€",
            source="Insee, Filosofi 2021",
            definition="Médiane du revenu disponible par UC.",
            note="<script>alert('x')</script> non publié",
        ),
        figure(
            "01001",
            "population_tcam",
            "2011-2022",
            0.4321,
            unite="%/an",
            source=SOURCE,
            definition="Taux de croissance annuel moyen.",
        ),
    ]
    return to_frame(rows)


def _soup(obj: HTML) -> BeautifulSoup:
    assert isinstance(obj, HTML)
    return BeautifulSoup(obj.data, "html.parser")


def _row(soup: BeautifulSoup, label: str) -> list[str]:
    for row in soup.find_all("tr"):
        header = row.find("th")
        if header is not None and header.get_text() == label:
            return [cell.get_text() for cell in row.find_all("td")]
    raise AssertionError(f"no row {label!r}")


# --- format_value ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unite", "indicateur", "expected"),
    [
        (12345.67, "habitants", "population", f"12{NBSP}346"),
        (42.345, "%", None, f"42,3{NBSP}%"),
        (0.4321, "%/an", "population_tcam", f"+0,4{NBSP}% par an"),
        (-0.4321, "%/an", "population_tcam", f"{MINUS}0,4{NBSP}% par an"),
        (1.234, "points", None, f"+1,2{NBSP}pt"),
        (-2.0, "points", None, f"{MINUS}2,0{NBSP}pt"),
        (21450.4, "€", "revenu_median_uc", f"21{NBSP}450{NBSP}€"),
        (87.44, "indice", "indice_vieillissement", "87,4"),
        (233.0, "habitants", "solde_naturel", "+233"),
        (-20.83, "%", "familles_avec_enfants_evolution_pct", f"{MINUS}20,8{NBSP}%"),
        (3.0, "%", "population_evolution_pct", f"+3,0{NBSP}%"),
        (-1200.0, "habitants", "population_evolution", f"{MINUS}1{NBSP}200"),
        (2.1349, "personnes", "taille_moyenne_menages", "2,13"),
        (3.51, "rapport", "rapport_interdecile", "3,5"),
        (1500.2, "ménages", "menages", f"1{NBSP}500"),
        (float("nan"), "%", None, "n.d."),
        (None, "habitants", None, "n.d."),
    ],
)
def test_format_value(value, unite, indicateur, expected):
    assert display.format_value(value, unite, indicateur=indicateur) == expected


def test_format_value_unavailable_is_nd_whatever_the_value():
    assert display.format_value(12.0, "%", disponible=False) == "n.d."


def test_format_value_unknown_unit_keeps_the_unit():
    assert display.format_value(3.25, "km²") == f"3,3{NBSP}km²"  # half away from zero


# --- labels ----------------------------------------------------------------------------

BRIEF_IDS = """population population_evolution population_evolution_pct population_tcam
part_moins_15 part_moins_20 part_60_plus part_65_plus part_75_plus part_80_plus
indice_vieillissement naissances deces solde_naturel solde_migratoire_apparent
taux_variation_solde_naturel taux_variation_solde_migratoire menages taille_moyenne_menages
menages_une_personne part_menages_une_personne part_80_plus_seules familles
familles_avec_enfants familles_avec_enfants_evolution familles_avec_enfants_evolution_pct
familles_avec_enfants_moins_25 familles_monoparentales part_familles_monoparentales
familles_nombreuses part_familles_nombreuses couples_avec_enfants couples_sans_enfant
part_couples_sans_enfant revenu_median_uc revenu_d1_uc revenu_d9_uc rapport_interdecile
menages_fiscaux part_prestations_sociales""".split()


def test_every_indicator_has_a_french_label():
    missing = [i for i in BRIEF_IDS if i not in display.INDICATOR_LABELS]
    assert missing == []
    for label in display.INDICATOR_LABELS.values():
        assert "_" not in label


def test_unknown_indicator_label_is_readable():
    assert display.indicator_label("part_des_truc") == "Part des truc"


# --- key figures -----------------------------------------------------------------------


def test_key_figures_french_formats_and_columns():
    soup = _soup(
        display.key_figures_table(
            _figures(), indicators=["population", "part_60_plus"], labels=LABELS
        )
    )
    headers = [th.get_text() for th in soup.find("thead").find_all("th")]
    assert headers == ["Indicateur", "Année ou période", "Commune A", "CC du Test", "Ain"]
    population = _row(soup, "Population municipale")
    assert population[0] == "2022"  # latest vintage by default
    assert population[1] == f"12{NBSP}346"
    assert population[2] == f"45{NBSP}678"
    share = _row(soup, "Part des 60 ans ou plus")
    assert share[1] == f"42,3{NBSP}%"


def test_key_figures_unavailable_value_has_its_note():
    soup = _soup(display.key_figures_table(_figures(), indicators=["part_60_plus"], labels=LABELS))
    cell = soup.find_all("tr")[1].find_all("td")[3]
    assert cell.get_text().startswith("n.d.")
    marker = cell.find("sup").get_text()
    notes = [li.get_text() for li in soup.find("ol", class_="ctg-footnotes").find_all("li")]
    assert notes[int(marker) - 1] == "Secret statistique"
    # the caution on an available value is a footnote too
    caution = soup.find_all("tr")[1].find_all("td")[2]
    assert caution.get_text().startswith(f"30,0{NBSP}%")
    assert notes[int(caution.find("sup").get_text()) - 1].startswith("Effectif inférieur")


def test_key_figures_every_nd_is_explained():
    soup = _soup(
        display.key_figures_table(
            _figures(),
            indicators=["population", "part_60_plus", "revenu_median_uc", "population_tcam"],
            labels=LABELS,
        )
    )
    notes = [li.get_text() for li in soup.find("ol", class_="ctg-footnotes").find_all("li")]
    for cell in soup.find_all("td"):
        if cell.get_text().startswith("n.d."):
            sup = cell.find("sup")
            assert sup is not None, cell
            assert notes[int(sup.get_text()) - 1]
    assert "Indicateur non calculé pour ce territoire." in notes


def test_key_figures_escapes_notes():
    html = display.key_figures_table(
        _figures(), indicators=["revenu_median_uc"], labels=LABELS
    ).data
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_key_figures_year_selection():
    frame = _figures()
    soup = _soup(
        display.key_figures_table(frame, indicators=["population"], labels=LABELS, annee=2016)
    )
    row = _row(soup, "Population municipale")
    assert row[0] == "2016"
    assert row[1] == f"11{NBSP}000"
    assert row[2].startswith("n.d.")  # + its footnote marker
    # a period ending with the requested year matches
    soup = _soup(
        display.key_figures_table(
            frame, indicators=["population_tcam"], labels=LABELS, annee="2022"
        )
    )
    row = _row(soup, "Taux de croissance annuel moyen de la population")
    assert row[0] == "2011-2022"
    assert row[1] == f"+0,4{NBSP}% par an"


def test_key_figures_caption_lists_sources():
    soup = _soup(display.key_figures_table(_figures(), indicators=["population"], labels=LABELS))
    assert soup.find("caption").get_text() == f"Source{NBSP}: {SOURCE}."


def test_key_figures_html_is_the_table_data():
    frame = _figures()
    kwargs = {"indicators": ["population"], "labels": LABELS}
    assert (
        display.key_figures_html(frame, **kwargs) == display.key_figures_table(frame, **kwargs).data
    )


# --- other blocks ----------------------------------------------------------------------


def test_definitions_table():
    soup = _soup(display.definitions_table(_figures(), indicators=["population", "inconnu"]))
    rows = soup.find("tbody").find_all("tr")
    assert rows[0].find("th").get_text() == "Population municipale"
    cells = [td.get_text() for td in rows[0].find_all("td")]
    assert cells[0] == "Population municipale."  # one definition, not one per year
    assert "Insee, RP2016" in cells[1] and SOURCE in cells[1]
    assert rows[1].find_all("td")[0].get_text() == "Définition non renseignée."


def test_vigilance_box():
    soup = _soup(display.vigilance_box(["Effectif < 200 & prudence", "Écart de 4 ans"]))
    assert soup.find(class_="ctg-box-title").get_text() == "Points de vigilance"
    assert [li.get_text() for li in soup.find_all("li")] == [
        "Effectif < 200 & prudence",
        "Écart de 4 ans",
    ]
    assert "&lt; 200 &amp;" in display.vigilance_box(["Effectif < 200 & prudence"]).data


def test_vigilance_box_empty():
    soup = _soup(display.vigilance_box([]))
    assert "Aucun point de vigilance." in soup.get_text()
    assert soup.find("li") is None


def test_findings_list():
    soup = _soup(display.findings_list(["La population augmente."]))
    assert soup.find(class_="ctg-box-title").get_text() == "Constats"
    assert soup.find("li").get_text() == "La population augmente."


def test_fictional_banner():
    soup = _soup(display.fictional_banner())
    banner = soup.find(class_="ctg-fictional-banner")
    assert banner.get_text() == (
        "Données fictives — territoire de démonstration. Aucun "
        "chiffre de ce rapport ne décrit un territoire réel."
    )
    assert "background" in banner["style"]


def test_markdown_title_escapes_text():
    title = display.markdown_title("Saint-Jean & <b>Val</b> (n° 1)", level=2)
    assert isinstance(title, Markdown)
    html = markdown2html_mistune(title.data)
    heading = BeautifulSoup(html, "html.parser").find("h2")
    assert heading.get_text().rstrip("¶") == "Saint-Jean & <b>Val</b> (n° 1)"
    assert heading.find("b") is None
    with pytest.raises(ValueError):
        display.markdown_title("x", level=7)


def test_paragraph_escapes():
    assert display.paragraph("a < b").data == '<p class="ctg-paragraph">a &lt; b</p>'


def test_simple_table():
    frame = pd.DataFrame(
        {"Tranche": ["0-14 ans", "<b>"], "Effectif": [1234.0, math.nan], "Part": [12.345, 5.0]}
    )
    soup = _soup(display.simple_table(frame, caption="Légende", notes=["Note."]))
    cells = [[td.get_text() for td in tr.find_all("td")] for tr in soup.find("tbody")("tr")]
    assert cells[0] == ["0-14 ans", f"1{NBSP}234", "12,3"]
    assert cells[1] == ["<b>", "n.d.", "5"]
    assert soup.find("caption").get_text() == "Légende"


def test_key_figures_default_period_is_latest_and_longest():
    frame = to_frame(
        [
            figure(
                "01001",
                "population_evolution_pct",
                period,
                value,
                unite="%",
                source=SOURCE,
                definition="",
            )
            for period, value in (("2011-2016", 1.0), ("2016-2022", 2.0), ("2011-2022", 3.0))
        ]
    )
    soup = _soup(
        display.key_figures_table(
            frame, indicators=["population_evolution_pct"], labels={"01001": "Commune A"}
        )
    )
    row = _row(soup, "Évolution de la population (%)")
    assert row == ["2011-2022", f"+3,0{NBSP}%"]


def test_definitions_table_uses_latest_definition_and_all_sources():
    frame = to_frame(
        [
            figure(
                "01001",
                "population",
                2022,
                2.0,
                unite="habitants",
                source="Insee, RP2022",
                definition="Population municipale au recensement de 2022.",
            ),
            figure(
                "01001",
                "population",
                2011,
                1.0,
                unite="habitants",
                source="Insee, RP2011",
                definition="Population municipale au recensement de 2011.",
            ),
        ]
    )
    soup = _soup(display.definitions_table(frame, indicators=["population"]))
    cells = [td.get_text() for td in soup.find("tbody").find_all("td")]
    assert cells == [
        "Population municipale au recensement de 2022.",
        "Insee, RP2022 ; Insee, RP2011",
    ]


def test_counts_never_carry_a_decimal() -> None:
    """Issue 10: "3 401 ménages fiscaux", never "3 401,0"."""
    from ctgstats.present.display import format_value

    assert format_value(3401.0, "ménages fiscaux", indicateur="menages_fiscaux") == "3\u00a0401"
    assert format_value(12.4, "places") == "12"


def test_sentences_and_tables_round_the_same_way():
    from ctgstats.present.display import format_change, format_quantity, format_value

    nb = "\u00a0"
    # a count never carries a decimal, in a table or in a sentence
    assert format_value(155.0, "allocataires") == "155"
    assert format_quantity(155.0, "allocataires") == f"155{nb}allocataires"
    assert format_quantity(3401.0, "ménages fiscaux") == f"3{nb}401{nb}ménages fiscaux"
    # a ratio keeps one decimal in both
    assert format_quantity(17.96, "pour 100 enfants") == f"18,0{nb}pour 100 enfants"
    assert format_value(17.96, "pour 100 enfants") == f"18,0{nb}pour 100 enfants"
    # every change says its unit: points for a share, the unit for a count
    assert format_change(-12.84, "%") == f"−12,8{nb}points"
    assert format_change(0.5, "%") == f"+0,5{nb}point"
    assert format_change(17.0, "allocataires") == f"+17{nb}allocataires"
    assert format_change(120.4, "€") == f"+120{nb}€"
    assert format_change(float("nan"), "%") == "n.d."
