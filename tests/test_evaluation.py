"""Status of an indicator at T+n against T0 and its target (hand-computed cases)."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from ctgstats.data.registry import Indicator, load_registry
from ctgstats.indicators.evaluation import (
    ALL_STATUSES,
    CONTEXT_STATUS,
    STATUS_LABELS,
    STATUSES,
    Measure,
    Target,
    evaluate,
    newcombe_interval,
    status_colour,
    status_definitions,
    tcam,
    year_of,
)
from ctgstats.indicators.prices import PriceIndex, PriceIndexError, read_price_index

Z = 1.959963984540054  # 97.5 % normal quantile


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def _indicator(
    kind: str = "user_table",
    *,
    polarity: str = "up",
    unit: str = "personnes",
    min_gap_years: int | None = 1,
    exploitation: str | None = None,
) -> Indicator:
    formula = {
        "user_table": {},
        "census": {"figure": "part_60_plus"},
        "filosofi": {"figure": "revenu_median_uc"},
        "survey": {"survey": "habitants", "question": "q", "codes": ["A1"]},
    }[kind]
    source = {"kind": kind, "name": "Source de test", "frequency": "annuelle"}
    if exploitation:
        source["exploitation"] = exploitation
    return Indicator.model_validate(
        {
            "id": "test",
            "label": "Test",
            "definition": "Indicateur de test.",
            "unit": unit,
            "source": source,
            "formula": formula,
            "min_gap_years": min_gap_years,
            "polarity": polarity,
            "themes": ["acces_aux_droits"],
        }
    )


def _wilson(p: float, n: float) -> tuple[float, float]:
    """Wilson score interval written out by hand (not the library's)."""
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def _run(target, t0=100.0, latest=110.0, *, polarity="up", years=(2022, 2025), **kw):
    return evaluate(
        _indicator(polarity=polarity),
        t0=Measure(years[0], t0),
        latest=Measure(years[1], latest),
        target=target,
        **kw,
    )


# --------------------------------------------------------------------------- arithmetic


def test_tcam_hand_values():
    # 610 -> 890 in 3 years: (890 / 610) ** (1 / 3) = 1.134192… -> +13.42 % a year
    assert tcam(610, 890, 3) == pytest.approx(13.41923766, abs=1e-6)
    # 142 -> 121 in 3 years: -5.19 % a year
    assert tcam(142, 121, 3) == pytest.approx(-5.19476, abs=1e-4)
    assert tcam(100, 121, 2) == pytest.approx(10.0)
    assert tcam(100, 110, 0) is None
    assert tcam(0, 110, 3) is None
    assert tcam(100, -1, 3) is None


def test_tcam_in_evaluation_uses_the_real_gap(registry):
    result = evaluate(
        registry.get("personnes_accompagnees_france_services"),
        t0=Measure(2022, 610),
        latest=Measure(2025, 890),
        target=Target("rate", 10),
    )
    assert result.tcam == pytest.approx(13.41923766, abs=1e-6)
    assert result.evolution == 280
    assert result.evolution_pct == pytest.approx(280 / 610 * 100)
    assert result.status == "atteint"


def test_year_of():
    assert year_of(2022) == 2022
    assert year_of("2022") == 2022
    assert year_of("2022-2023") == 2023
    with pytest.raises(ValueError):
        year_of("deux mille")


# --------------------------------------------------------------------------- census (rule 16)


def test_census_three_years_is_not_measurable(registry):
    result = evaluate(
        registry.get("part_familles_monoparentales"),
        t0=Measure(2022, 25.0),
        latest=Measure(2025, 27.0),
        target=Target("direction", direction="down"),
    )
    assert result.status == "non mesurable"
    assert math.isnan(result.evolution) and math.isnan(result.evolution_pct)
    assert result.tcam is None and result.significant is None
    assert result.comparable is False
    assert result.label.startswith(
        "non mesurable à cette échéance : deux recensements distants de 3 ans partagent"
    )
    assert "(écart minimal 6 ans)" in result.label
    assert "RP2028" in result.label


def test_census_same_vintage_is_not_measurable(registry):
    result = evaluate(
        registry.get("part_60_plus"),
        t0=Measure(2022, 30.0),
        latest=Measure(2022, 30.0),
        target=None,
    )
    assert result.status == "non mesurable"
    assert math.isnan(result.evolution)
    assert "RP2022" in result.label


def test_census_2016_2022_is_measurable(registry):
    # gap 6 = minimum (2022 is in 2019-2023): measurable
    result = evaluate(
        registry.get("part_60_plus"),
        t0=Measure(2016, 30.0),
        latest=Measure(2022, 33.0),
        target=None,
    )
    assert result.comparable is True
    assert result.evolution == pytest.approx(3.0)
    assert result.status == CONTEXT_STATUS  # neutral, no target: significant, not judged


def test_census_minimum_gap_five_or_six(registry):
    population = registry.get("population")
    five = evaluate(population, t0=Measure(2011, 300), latest=Measure(2016, 330), target=None)
    assert five.comparable is True
    six_needed = evaluate(population, t0=Measure(2017, 300), latest=Measure(2022, 330), target=None)
    assert six_needed.status == "non mesurable"
    assert "(écart minimal 6 ans)" in six_needed.label


def test_census_min_gap_years_of_the_registry_wins():
    indicator = _indicator(
        "census", polarity="neutral", unit="%", min_gap_years=8, exploitation="P"
    )
    result = evaluate(indicator, t0=Measure(2011, 30), latest=Measure(2017, 31), target=None)
    assert result.status == "non mesurable"
    assert "(écart minimal 8 ans)" in result.label


def test_census_min_gap_years_cannot_lower_the_insee_floor():
    # the registry refuses a census min_gap_years below 5; an entry built without
    # validation must still not switch the rule off: RP2022 -> RP2025 is 3 years apart,
    # INSEE's floor is 6 around 2021 (max(3, 6) = 6)
    indicator = _indicator(
        "census", polarity="neutral", unit="%", min_gap_years=None, exploitation="P"
    ).model_copy(update={"min_gap_years": 3})
    result = evaluate(indicator, t0=Measure(2022, 30), latest=Measure(2025, 33), target=None)
    assert result.status == "non mesurable"
    assert result.significant is None and math.isnan(result.evolution)
    assert "(écart minimal 6 ans)" in result.label
    # a 5-year value does not lower the 6-year rule of the vintages 2019-2023 either
    five = indicator.model_copy(update={"min_gap_years": 5})
    result = evaluate(five, t0=Measure(2017, 30), latest=Measure(2022, 33), target=None)
    assert result.status == "non mesurable"
    assert "(écart minimal 6 ans)" in result.label


def test_census_complementary_exploitation_note():
    indicator = _indicator(
        "census", polarity="down", unit="%", min_gap_years=None, exploitation="C"
    )
    result = evaluate(indicator, t0=Measure(2011, 20), latest=Measure(2016, 18), target=None)
    assert result.status == "en bonne voie"
    assert "exploitation complémentaire" in result.note


# --------------------------------------------------------------------------- census precision


def _census_c(polarity: str = "down", unit: str = "familles") -> Indicator:
    return _indicator("census", polarity=polarity, unit=unit, min_gap_years=None, exploitation="C")


def _with_se(year: int, value: float, se: float) -> Measure:
    """A census measure whose 95 % interval is value ± 1.959964 × se."""
    return Measure(year, value, ic_low=value - Z * se, ic_high=value + Z * se)


def test_census_change_significant_given_the_intervals():
    # T0 2 200 (se 68), latest 1 967 (se 66): Δ = −233, se = √(68² + 66²) = √8980
    # = 94.763, z·se = 185.732 < 233: significant
    se = math.sqrt(68**2 + 66**2)
    assert se == pytest.approx(94.7629, abs=1e-4)
    assert Z * se == pytest.approx(185.732, abs=1e-3)
    t0, latest = _with_se(2011, 2200, 68), _with_se(2017, 1967, 66)
    assert t0.standard_error == pytest.approx(68, rel=1e-12)
    result = evaluate(_census_c(), t0=t0, latest=latest, target=None)
    assert result.significant is True
    assert result.status == "en bonne voie"  # polarity down
    assert result.evolution == pytest.approx(-233)
    assert result.interval == pytest.approx((-233 - Z * se, -233 + Z * se), rel=1e-12)
    assert result.interval == pytest.approx((-418.732, -47.268), abs=1e-3)
    assert "intervalle à 95 % de l'évolution : [−419 ; −47] familles" in _sp(result.note)
    assert "aléa d'échantillonnage" not in result.note  # replaced by the interval


def test_census_small_change_within_the_precision_is_not_significant():
    # −1.3 %: 2 200 → 2 171.4, Δ = −28.6; with se 68 and 66, z·se = 185.7 > 28.6
    t0, latest = _with_se(2011, 2200, 68), _with_se(2017, 2171.4, 66)
    assert (2171.4 - 2200) / 2200 * 100 == pytest.approx(-1.3)
    result = evaluate(_census_c("up"), t0=t0, latest=latest, target=None)
    assert result.significant is False
    assert result.status == "pas d'évolution significative"
    low, high = result.interval
    assert (low, high) == pytest.approx((-28.6 - 185.732, -28.6 + 185.732), abs=1e-3)
    assert _sp(result.note) == (
        "évolution non significative au regard de la précision du recensement "
        "(intervalle à 95 % de l'évolution : [−214 ; +157] familles)"
    )
    assert "non significative au regard de la précision du recensement" in _sp(result.label)
    # a direction target is not attained by a change within the precision
    target = evaluate(
        _census_c("up"), t0=t0, latest=latest, target=Target("direction", direction="down")
    )
    assert target.status == "pas d'évolution significative"
    # without intervals, the 1 % rule of thumb still calls it a fall
    bare = evaluate(
        _census_c("up"), t0=Measure(2011, 2200), latest=Measure(2017, 2171.4), target=None
    )
    assert bare.significant is True and bare.status == "en recul"
    assert bare.interval is None
    # one interval is not enough either
    half = evaluate(_census_c("up"), t0=t0, latest=Measure(2017, 2171.4), target=None)
    assert half.status == "en recul" and half.interval is None


def test_census_share_interval_in_points():
    # a share: 24.0 % (se 1.2 points) → 27.5 % (se 1.1): Δ = 3.5, z·√(1.44 + 1.21)
    # = 1.959964 × 1.62788 = 3.1906 < 3.5: significant
    t0, latest = _with_se(2011, 24.0, 1.2), _with_se(2017, 27.5, 1.1)
    result = evaluate(_census_c(polarity="down", unit="%"), t0=t0, latest=latest, target=None)
    assert Z * math.sqrt(1.2**2 + 1.1**2) == pytest.approx(3.1906, abs=1e-4)
    assert result.significant is True and result.status == "en recul"
    assert "[+0,3 ; +6,7] points" in _sp(result.note)


def test_intervals_only_test_census_indicators():
    # a local (user_table) indicator keeps the stability threshold even with intervals
    result = evaluate(
        _indicator(polarity="up"),
        t0=_with_se(2022, 100.0, 30),
        latest=_with_se(2025, 110.0, 30),
        target=None,
    )
    assert result.significant is True and result.interval is None


def test_inverted_interval_is_refused():
    with pytest.raises(ValueError, match="ic_high"):
        _ = Measure(2011, 10.0, ic_low=12.0, ic_high=8.0).standard_error


# ------------------------------------------------ intervals through measures and the T0


def _portrait(*, intervals: bool):
    from types import SimpleNamespace

    territory = SimpleNamespace(
        id="epci:200000001", level=SimpleNamespace(value="epci"), code="200000001"
    )
    figures = pd.DataFrame(
        {
            "territoire": [territory.id, territory.id],
            "indicateur": ["part_familles_monoparentales", "part_60_plus"],
            "annee": ["2022", "2022"],
            "valeur": [24.0, 30.0],
            "source": ["Insee, RP2022 (exploitation complémentaire)", "Insee, RP2022"],
            "disponible": [True, True],
        }
    )
    if intervals:  # the portrait's new columns: C share with an interval, P figure NaN
        figures["ic_bas"] = [21.6, math.nan]
        figures["ic_haut"] = [26.4, math.nan]
    return SimpleNamespace(
        figures=figures,
        files=[],
        territories=[territory],
        territory=territory,
        first_year=2011,
        last_year=2022,
    )


def _census_rows(frame, indicator):
    return frame[frame["indicateur"] == indicator].iloc[0]


@pytest.mark.parametrize("intervals", [True, False])
def test_portrait_intervals_reach_the_measures(registry, intervals):
    from ctgstats.indicators.followup import _measure
    from ctgstats.indicators.measures import current_measures

    measures = current_measures(
        registry, portrait=_portrait(intervals=intervals), user_tables=[], analyses={}
    )
    assert {"ic_bas", "ic_haut"} <= set(measures.columns)
    share = _census_rows(measures, "part_familles_monoparentales")
    older = _census_rows(measures, "part_60_plus")
    assert math.isnan(older["ic_bas"]) and math.isnan(older["ic_haut"])
    measure = _measure(share)
    if intervals:
        assert (share["ic_bas"], share["ic_haut"]) == (21.6, 26.4)
        assert (measure.ic_low, measure.ic_high) == (21.6, 26.4)
        # (26.4 − 21.6) / (2 × 1.959964) = 1.2245 points
        assert measure.standard_error == pytest.approx(4.8 / (2 * Z), rel=1e-12)
    else:
        assert math.isnan(share["ic_bas"])
        assert measure.ic_low is None and measure.standard_error is None
    assert _measure(older).ic_low is None


def test_baseline_writes_intervals_only_when_present(registry, tmp_path):
    import json

    from ctgstats.indicators.baseline import load_baseline, t0_values, write_baseline
    from ctgstats.indicators.followup import _measure
    from ctgstats.indicators.measures import current_measures

    measures = current_measures(
        registry, portrait=_portrait(intervals=True), user_tables=[], analyses={}
    )
    values = t0_values(measures, registry, t0_year=None)
    path = write_baseline(tmp_path / "t0.json", values, territory={"code": "200000001"})
    records = {r["indicateur"]: r for r in json.loads(path.read_text(encoding="utf-8"))["values"]}
    assert records["part_familles_monoparentales"]["ic_bas"] == 21.6
    assert records["part_familles_monoparentales"]["ic_haut"] == 26.4
    assert "ic_bas" not in records["part_60_plus"]  # no interval: no key, no null
    assert "ic_haut" not in records["part_60_plus"]
    loaded = load_baseline(path)
    t0 = _measure(loaded.value_for("part_familles_monoparentales", "epci:200000001"))
    assert (t0.ic_low, t0.ic_high) == (21.6, 26.4)

    # a baseline frozen before intervals existed (no keys at all) still loads
    old = json.loads(path.read_text(encoding="utf-8"))
    for record in old["values"]:
        record.pop("ic_bas", None)
        record.pop("ic_haut", None)
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    loaded = load_baseline(tmp_path / "old.json")
    row = loaded.value_for("part_familles_monoparentales", "epci:200000001")
    assert math.isnan(row["ic_bas"]) and _measure(row).ic_low is None
    assert _measure(row).value == 24.0


# --------------------------------------------------------------------------- incomes (€)

SOURCE_IPC = "Insee, IPC ensemble des ménages, France, moyenne annuelle (valeurs de test)"


def _sp(text: str) -> str:
    """French text with its non-breaking spaces as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _index(i2019: float) -> PriceIndex:
    # hand-made index values (not INSEE's): 2016 = 100
    return PriceIndex(
        values={2016: 100.0, 2019: i2019}, sources={2016: SOURCE_IPC, 2019: SOURCE_IPC}
    )


def _income(registry, price_index, target=None):
    return evaluate(
        registry.get("revenu_median_uc"),  # Filosofi, €, polarity up
        t0=Measure(2016, 19631.0),
        latest=Measure(2019, 20690.0),
        target=target,
        price_index=price_index,
    )


def test_income_is_judged_in_constant_euros(registry):
    nominal = (20690 / 19631 - 1) * 100  # +5.39 % in current euros
    assert nominal == pytest.approx(5.3945, abs=1e-4)
    # prices +5 %: (20690 / 19631) / (105 / 100) - 1 = +0.376 %, under the 1 % threshold
    flat = _income(registry, _index(105.0))
    real = ((20690 / 19631) / (105.0 / 100.0) - 1) * 100
    assert real == pytest.approx(0.3757, abs=1e-4)
    assert flat.real_evolution_pct == pytest.approx(real, rel=1e-12)
    assert flat.status == "pas d'évolution significative"
    assert flat.evolution == 20690 - 19631  # the public change stays in current euros
    assert flat.evolution_pct == pytest.approx(nominal, rel=1e-12)
    assert "en euros courants : +5,4 %" in _sp(flat.note)
    assert "en euros constants de 2019 : +0,4 %" in _sp(flat.note)
    assert SOURCE_IPC in _sp(flat.note)
    assert "variation de +0,4 % en euros constants, inférieure au seuil" in _sp(flat.label)
    # prices +4 %: real +1.34 %, in the good direction
    rising = _income(registry, _index(104.0))
    assert rising.real_evolution_pct == pytest.approx(((20690 / 19631) / 1.04 - 1) * 100, rel=1e-12)
    assert rising.status == "en bonne voie"
    assert "hausse de 1,3 % en euros constants" in _sp(rising.label)
    # prices +7 %: a fall of purchasing power (1.053945 / 1.07 = 0.984996: −1.50 %),
    # although +5.4 % in current euros
    falling = _income(registry, _index(107.0))
    assert falling.real_evolution_pct == pytest.approx(
        ((20690 / 19631) / 1.07 - 1) * 100, rel=1e-12
    )
    assert falling.real_evolution_pct == pytest.approx(-1.5004, abs=1e-4)
    assert falling.status == "en recul"
    assert "baisse de 1,5 % en euros constants" in _sp(falling.label)


def test_income_targets_use_the_real_change(registry):
    # a change of +500 € aimed at: 20 690 − 19 631 × 1.05 = 77.45 € in euros of 2019
    result = _income(registry, _index(105.0), Target("change", 500))
    assert result.status == "pas d'évolution significative"
    assert "variation de +77 €" in _sp(result.label)
    # a real TCAM of 1 % a year: ((20690 / (19631 × 1.04)) ** (1 / 3) − 1) = +0.445 %
    result = _income(registry, _index(104.0), Target("rate", 1))
    assert result.status == "en bonne voie"
    rate = ((20690 / (19631 * 1.04)) ** (1 / 3) - 1) * 100
    assert rate == pytest.approx(0.4450, abs=1e-4)
    assert "évolution annuelle moyenne de +0,4 % par an" in _sp(result.label)


def test_income_without_price_index_is_not_measurable(registry):
    result = _income(registry, None)
    assert result.status == "non mesurable"
    assert math.isnan(result.evolution) and result.significant is None
    assert _sp(result.label).startswith(
        "non mesurable en euros constants : aucun indice des prix fourni"
    )
    assert "en euros courants : 19" in _sp(result.label) and "(+5,4 %)" in _sp(result.label)
    missing = _income(registry, PriceIndex(values={2016: 100.0}))
    assert missing.status == "non mesurable"
    assert "indice des prix absent pour 2019" in _sp(missing.label)


def test_other_indicators_ignore_the_price_index():
    # an amount in € from local data is not a Filosofi income: no deflation
    result = evaluate(
        _indicator(unit="€"),
        t0=Measure(2022, 100.0),
        latest=Measure(2025, 110.0),
        target=None,
        price_index=None,
    )
    assert result.status == "en bonne voie"
    assert result.real_evolution_pct is None


def _price_file(tmp_path, text: str):
    path = tmp_path / "ipc.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_price_index(tmp_path):
    path = _price_file(
        tmp_path,
        "\ufeff# indice de test\nAnnée;Indice;Source\n2016;100,0;Insee IPC\n"
        "2019;104,5;Insee IPC\n\n",
    )
    index = read_price_index(path)
    assert dict(index.values) == {2016: 100.0, 2019: 104.5}
    assert index.ratio(2016, 2019) == pytest.approx(1.045)
    assert index.source_text() == "Insee IPC"
    assert index.where == "ipc.csv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "annee;valeur;source\n2016;100;x\n",
            r"ligne 1 : en-tête attendu « annee;indice;source »"
            r".*manquante\(s\) : indice.*inconnue\(s\) : valeur",
        ),
        (
            "annee;indice;source\n2016;cent;Insee\n",
            r"ligne 2, colonne « indice », valeur "
            r"« cent » : nombre illisible",
        ),
        (
            "annee;indice;source\n2016;-3;Insee\n",
            r"ligne 2, colonne « indice », valeur « -3 » "
            r": un indice des prix est un nombre strictement positif",
        ),
        (
            "annee;indice;source\n16;100;Insee\n",
            r"ligne 2, colonne « annee », valeur « 16 » : "
            r"année illisible",
        ),
        (
            "annee;indice;source\n2016;100;\n",
            r"ligne 2, colonne « source », valeur « \(vide\) » : "
            r"source manquante",
        ),
        (
            "annee;indice;source\n2016;100;a\n2016;101;a\n",
            r"ligne 3, colonne « annee », valeur "
            r"« 2016 » : année déjà donnée à la ligne 2",
        ),
        ("annee;indice;source\n", "aucune ligne de données"),
        ("# rien\n", "fichier vide"),
    ],
)
def test_price_index_errors_name_file_line_column_value(tmp_path, text, expected):
    path = _price_file(tmp_path, text)
    with pytest.raises(PriceIndexError, match=expected) as error:
        read_price_index(path)
    assert str(path) in str(error.value)


def test_price_index_missing_file(tmp_path):
    with pytest.raises(PriceIndexError, match=r"indicators\.price_index : .*introuvable"):
        read_price_index(tmp_path / "absent.csv")


# --------------------------------------------------------------------------- surveys


def test_survey_newcombe_interval_by_hand(registry):
    p0, n0, p1, n1 = 0.62, 230, 0.54, 250
    l0, u0 = _wilson(p0, n0)
    l1, u1 = _wilson(p1, n1)
    d = p1 - p0
    lower = d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    upper = d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    # written-out values: Wilson 0.5558–0.6803 and 0.4781–0.6007
    assert (l0, u0) == pytest.approx((0.555785, 0.680272), abs=1e-6)
    assert (l1, u1) == pytest.approx((0.478080, 0.600709), abs=1e-6)
    assert (lower, upper) == pytest.approx((-0.166411, 0.008369), abs=1e-6)
    assert newcombe_interval(p0, n0, p1, n1) == pytest.approx((lower, upper), abs=1e-12)

    result = evaluate(
        registry.get("enquete_lieux_echanges_insuffisants"),
        t0=Measure(2026, 62.0, n_eff=230),
        latest=Measure(2029, 54.0, n_eff=250),
        target=Target("direction", direction="down"),
    )
    assert result.interval == pytest.approx((100 * lower, 100 * upper), abs=1e-9)
    assert result.evolution == pytest.approx(-8.0)
    # the interval (−16.6 to +0.8 points) contains 0: a drop of 8 points on ~240
    # effective respondents per wave is not significant
    assert result.significant is False
    assert result.status == "pas d'évolution significative"
    assert "Newcombe" in result.label


def test_survey_significant_drop_by_hand(registry):
    p0, p1, n = 0.62, 0.49, 210
    l0, _u0 = _wilson(p0, n)
    _l1, u1 = _wilson(p1, n)
    upper = (p1 - p0) + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    assert upper < 0
    indicator = registry.get("enquete_lieux_echanges_insuffisants")  # polarity down
    t0, latest = Measure(2026, 62.0, n_eff=n), Measure(2029, 49.0, n_eff=n)
    attained = evaluate(
        indicator, t0=t0, latest=latest, target=Target("direction", direction="down")
    )
    assert attained.significant is True
    assert attained.interval[1] == pytest.approx(100 * upper)
    assert attained.status == "atteint"
    assert evaluate(indicator, t0=t0, latest=latest, target=None).status == "en bonne voie"
    against = evaluate(indicator, t0=t0, latest=latest, target=Target("direction", direction="up"))
    assert against.status == "en recul"
    assert "va à l'encontre" in against.note


def test_survey_non_significant_change(registry):
    result = evaluate(
        registry.get("enquete_renoncement_droits"),
        t0=Measure(2026, 12.0, n_eff=200),
        latest=Measure(2029, 11.0, n_eff=200),
        target=Target("direction", direction="down"),
    )
    assert result.significant is False
    assert result.interval[0] < 0 < result.interval[1]
    assert result.status == "pas d'évolution significative"
    assert "non significatif" in result.label


def test_survey_without_effective_size_is_not_measurable(registry):
    result = evaluate(
        registry.get("enquete_renoncement_droits"),
        t0=Measure(2026, 12.0),
        latest=Measure(2029, 5.0, n_eff=200),
        target=None,
    )
    assert result.status == "non mesurable"
    assert math.isnan(result.evolution)


def test_survey_share_out_of_range(registry):
    with pytest.raises(ValueError, match="between 0 and 100"):
        evaluate(
            registry.get("enquete_renoncement_droits"),
            t0=Measure(2026, 0.12, n_eff=9),
            latest=Measure(2029, 120.0, n_eff=9),
            target=None,
        )


# --------------------------------------------------------------------------- statuses


@pytest.mark.parametrize(
    ("target", "latest", "status"),
    [
        (Target("level", 120), 125, "atteint"),
        (Target("level", 120), 110, "en bonne voie"),
        (Target("level", 120), 100.5, "pas d'évolution significative"),  # +0.5 % < 1 %
        (Target("level", 120), 90, "en recul"),
        (Target("rate", 3), 110, "atteint"),  # TCAM 3.23 % >= 3 %
        (Target("rate", 5), 110, "en bonne voie"),  # 3.23 % < 5 %, rising
        (Target("rate", 5), 100.5, "pas d'évolution significative"),
        (Target("rate", 5), 95, "en recul"),
        (Target("change", 10), 110, "atteint"),
        (Target("change", 20), 110, "en bonne voie"),
        (Target("change", 20), 100.9, "pas d'évolution significative"),
        (Target("change", 20), 80, "en recul"),
        (Target("direction", direction="up"), 110, "atteint"),
        (Target("direction", direction="up"), 100.5, "pas d'évolution significative"),
        (Target("direction", direction="up"), 90, "en recul"),
    ],
)
def test_every_status_for_each_target_kind(target, latest, status):
    result = _run(target, 100.0, latest)
    assert result.status == status
    assert result.comparable is True


def test_missing_measures_are_not_measurable():
    indicator = _indicator()
    for t0, latest in ((None, Measure(2025, 1.0)), (Measure(2022, 1.0), None)):
        result = evaluate(indicator, t0=t0, latest=latest, target=Target("level", 2))
        assert result.status == "non mesurable"
        assert math.isnan(result.evolution)
    same_year = evaluate(indicator, t0=Measure(2025, 1.0), latest=Measure(2025, 2.0), target=None)
    assert same_year.status == "non mesurable"


def test_every_status_is_reached():
    seen = {
        _run(Target("level", 105)).status,
        _run(Target("level", 200)).status,
        _run(Target("level", 200), latest=100).status,
        _run(Target("level", 200), latest=50).status,
        evaluate(_indicator(), t0=None, latest=None, target=None).status,
        _run(None, polarity="neutral").status,
    }
    assert seen == set(STATUSES) | {CONTEXT_STATUS}


def test_down_polarity_targets():
    # fewer is better: level reached from above, change written negative
    assert _run(Target("level", 95), 100, 90, polarity="down").status == "atteint"
    assert _run(Target("level", 80), 100, 90, polarity="down").status == "en bonne voie"
    assert _run(Target("level", 80), 100, 110, polarity="down").status == "en recul"
    assert (
        _run(Target("change", -20), 184, 183, polarity="down").status
        == "pas d'évolution significative"
    )
    assert _run(Target("rate", -3), 100, 90, polarity="down").status == "atteint"


def test_neutral_polarity_takes_the_direction_of_the_target():
    # level 155 above T0 141 means "up": 158 reaches it
    assert _run(Target("level", 155), 141, 158, polarity="neutral").status == "atteint"
    # negative change aimed at: a drop of 10 is on the way to −20
    assert _run(Target("change", -20), 200, 190, polarity="neutral").status == "en bonne voie"
    assert _run(Target("change", -20), 200, 220, polarity="neutral").status == "en recul"


def test_without_target():
    assert _run(None, 100, 110, polarity="up").status == "en bonne voie"
    assert _run(None, 100, 90, polarity="up").status == "en recul"
    assert _run(None, 100, 100.4, polarity="up").status == "pas d'évolution significative"
    assert _run(None, 100, 110, polarity="neutral").status == CONTEXT_STATUS
    assert _run(None, 100, 100.4, polarity="neutral").status == "pas d'évolution significative"


def test_stability_threshold_is_a_parameter():
    assert _run(None, 100, 102, stability_threshold=1.0).status == "en bonne voie"
    result = _run(None, 100, 102, stability_threshold=5.0)
    assert result.status == "pas d'évolution significative"
    assert result.significant is False
    assert "seuil de stabilité de 5,0" in result.label
    with pytest.raises(ValueError):
        _run(None, stability_threshold=0)


def test_zero_at_t0():
    result = _run(None, 0.0, 3.0)
    assert math.isnan(result.evolution_pct)
    assert result.tcam is None
    assert result.significant is True
    assert result.status == "en bonne voie"
    assert _run(Target("rate", 5), 0.0, 3.0).status == "non mesurable"


def test_user_table_gap_of_one_year_is_enough(registry):
    result = evaluate(
        registry.get("allocataires_rsa"),
        t0=Measure(2024, 184),
        latest=Measure(2025, 150),
        target=Target("change", -20),
    )
    assert result.status == "atteint"
    assert result.evolution == -34


def test_labels_are_french_sentences():
    result = _run(Target("level", 120), 100, 110)
    assert "hausse de 10" in result.label
    assert "niveau visé" in result.label
    assert "2022" in result.label and "2025" in result.label


# --------------------------------------------------------------------------- legend


def test_status_colours_and_labels():
    assert set(STATUS_LABELS) == set(ALL_STATUSES)
    assert set(ALL_STATUSES) == set(STATUSES) | {CONTEXT_STATUS}
    for status in ALL_STATUSES:
        assert re.fullmatch(r"#[0-9A-F]{6}", status_colour(status))
    assert len({status_colour(s) for s in ALL_STATUSES}) == len(ALL_STATUSES)
    with pytest.raises(KeyError, match="unknown status"):
        status_colour("réussi")


def test_status_definitions():
    table = status_definitions(stability_threshold=2.0)
    assert list(table.columns) == ["statut", "definition"]
    assert list(table["statut"]) == list(ALL_STATUSES)
    assert table["definition"].str.len().min() > 40
    assert any("2,0" in text for text in table["definition"])
    assert any("Newcombe" in text for text in table["definition"])


def test_target_validation():
    with pytest.raises(ValueError, match="needs direction"):
        Target("direction")
    with pytest.raises(ValueError, match="needs a finite value"):
        Target("level")
    with pytest.raises(ValueError, match="not one of"):
        Target("cap", 3)


def test_revision_notes_say_when_a_frozen_source_was_revised(registry):
    """Rule 17: a later run compares like with like and says when a source was revised."""
    from ctgstats.indicators.baseline import revision_notes

    ident = "menages_avec_enfants"
    t0 = pd.Series(
        {
            "indicateur": ident,
            "territoire": "epci:1",
            "annee": 2022,
            "valeur": 1940.0,
            "fichiers": "base.csv=aaa",
            "definition_hash": registry.definition_hash(ident),
        }
    )
    measures = pd.DataFrame(
        [
            {
                "indicateur": ident,
                "territoire": "epci:1",
                "annee": 2022,
                "valeur": 1941.5,
                "fichiers": "base.csv=bbb",
            }
        ]
    )
    notes = revision_notes(t0, measures, registry)
    assert notes == [
        "source révisée : la valeur 2022 figée au T0 (1\u00a0940,00) diffère de celle des "
        "fichiers actuels (1\u00a0941,50)",
        "fichier(s) source modifié(s) depuis le T0 : base.csv",
    ]
    same = measures.assign(valeur=1940.0, fichiers="base.csv=aaa")
    assert revision_notes(t0, same, registry) == []
    changed = t0.copy()
    changed["definition_hash"] = "autre"
    assert revision_notes(changed, same, registry)[0].startswith("définition modifiée")
