"""The portal of several territories and the single-file report (no browser, no kernel).

The territory folders are written by hand in tmp_path: ``manifest.json`` and
``tables/chiffres_cles.csv`` as the runner writes them, and small HTML pages shaped like
the notebook pages of :func:`ctgstats.publish.export.notebook_to_html`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ctgstats.core.notebooks import NOTEBOOKS as CATALOGUE
from ctgstats.present.display import FICTIONAL_TEXT
from ctgstats.publish.export import check_offline
from ctgstats.publish.portal import (
    SINGLE_FILE_NAME,
    ReportTooLargeError,
    collect_entries,
    render_portal,
    single_file_report,
    write_portal,
)

NBSP = "\u00a0"

FIGURES = """indicateur,niveau,code,annee,valeur,unite,source
population,commune,31555,2011,14020.0,habitants,"Insee, RP2011"
population,commune,31555,2022,15373.4,habitants,"Insee, RP2022"
population,departement,31,2022,1400000.0,habitants,"Insee, RP2022"
population_tcam,commune,31555,2011-2022,0.8412,%/an,"Insee, RP2011 et RP2022"
population_tcam,commune,31555,2016-2022,1.2,%/an,"Insee, RP2016 et RP2022"
part_60_plus,commune,31555,2016,40.1,%,"Insee, RP2016"
part_60_plus,commune,31555,2022,42.3,%,"Insee, RP2022"
part_60_plus,departement,31,2022,25.0,%,"Insee, RP2022"
indice_vieillissement,commune,31555,2022,,indice,"non disponible : secret statistique"
part_familles_monoparentales,commune,31555,2022,18.04,%,"Insee, RP2022"
revenu_median_uc,commune,31555,2021,21450.0,€,"Filosofi 2021"
"""


def _territory(
    root: Path,
    folder: str,
    *,
    name: str,
    level: str,
    code: str,
    status: str = "success",
    fictional: bool = False,
    figures: str | None = None,
    error: dict | None = None,
    finished_at: str = "2026-03-01T10:00:00+01:00",
    pages: bool = True,
) -> Path:
    target = root / folder
    (target / "tables").mkdir(parents=True)
    manifest = {
        "tool": "ctgstats",
        "status": status,
        "finished_at": finished_at,
        "territory": {"level": level, "code": code, "name": name},
        "fictional_data": fictional,
        "outputs": [],
        "error": error,
    }
    (target / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False), encoding="utf-8"
    )
    if figures is not None:
        (target / "tables" / "chiffres_cles.csv").write_text(figures, encoding="utf-8")
    if pages and status == "success":
        (target / "index.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    return target


@pytest.fixture
def outputs(tmp_path):
    root = tmp_path / "outputs"
    _territory(
        root,
        "commune-31555",
        name="Toulouse fictive",
        level="commune",
        code="31555",
        figures=FIGURES,
    )
    _territory(
        root,
        "epci-000000101.echec",
        name="CC du Haut-Val fictif",
        level="epci",
        code="000000101",
        status="failed",
        fictional=True,
        error={
            "type": "RunError",
            "message": "notebook 02_familles_menages failed "
            "in cell 7: KeyError: 'C22_FAM' <absent>",
            "notebook": "02_familles_menages",
            "cell": 7,
        },
    )
    return root


def _portal(root: Path) -> BeautifulSoup:
    path = write_portal(root)
    assert path == root / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _rows(soup: BeautifulSoup) -> dict[str, object]:
    return {row["data-slug"]: row for row in soup.select("#ctg-portal-table tbody tr")}


def _cell(row, indicator: str, soup: BeautifulSoup):
    heads = soup.select("#ctg-portal-table thead th")
    index = next(i for i, th in enumerate(heads) if th.get("data-indicator") == indicator)
    return row.find_all(["th", "td"], recursive=False)[index]


# --------------------------------------------------------------------------------------
# Portal
# --------------------------------------------------------------------------------------


def test_both_territories_are_listed_with_their_status(outputs):
    soup = _portal(outputs)
    rows = _rows(soup)
    assert set(rows) == {"commune-31555", "epci-000000101"}
    ok, failed = rows["commune-31555"], rows["epci-000000101"]
    assert ok["data-status"] == "reussi" and "réussi" in ok.get_text()
    assert "Toulouse fictive" in ok.get_text() and "Commune" in ok.get_text()
    assert "31555" in ok.get_text()
    assert ok.find("a", href="commune-31555/index.html") is not None
    assert failed["data-status"] == "echec" and "échec" in failed.get_text()
    assert "KeyError: 'C22_FAM' <absent>" in failed.get_text()  # the message, escaped
    assert "&lt;absent&gt;" in str(failed)
    assert "02_familles_menages failed in cell 7" in failed.get_text()
    assert failed.find("details") is None  # a short message is shown whole
    assert "epci-000000101.echec/" in failed.get_text()
    assert "aucun rapport" in failed.get_text()
    assert "2 territoires · 1 réussi · 1 en échec" in soup.get_text()
    assert soup.html["lang"] == "fr"


def test_key_figures_are_the_territory_s_own_in_french_formats(outputs):
    soup = _portal(outputs)
    row = _rows(soup)["commune-31555"]
    population = _cell(row, "population", soup)
    assert population.get_text() == f"15{NBSP}373"
    assert population["data-sort"] == "15373.4"  # the raw number, not the text
    share = _cell(row, "part_60_plus", soup)
    assert share.get_text() == f"42,3{NBSP}%" and share["data-sort"] == "42.3"
    tcam = _cell(row, "population_tcam", soup)  # the main (longest) period
    assert tcam["data-sort"] == "0.8412" and tcam.get_text().startswith("+0,8")
    assert _cell(row, "revenu_median_uc", soup).get_text() == f"21{NBSP}450{NBSP}€"
    missing = _cell(row, "indice_vieillissement", soup)
    assert missing.get_text() == "n.d." and missing["data-sort"] == ""
    failed = _rows(soup)["epci-000000101"]
    assert _cell(failed, "population", soup).get_text() == "n.d."  # no table
    headers = {th.get("data-indicator"): th.get_text() for th in soup.select("thead th")}
    assert headers["population"] == "Population (2022)"
    assert headers["population_tcam"].endswith("(2011-2022)")


def test_every_sortable_header_and_cell_carries_raw_values(outputs):
    soup = _portal(outputs)
    heads = soup.select("#ctg-portal-table thead th")
    types = [th.get("data-sort-type") for th in heads]
    numbers = 6 + sum(len(spec.portal_figures) for spec in CATALOGUE)  # chapters add columns
    assert types[:4] == ["text"] * 4 and types[4 : 4 + numbers] == ["number"] * numbers
    assert types[4 + numbers] is None
    for row in soup.select("#ctg-portal-table tbody tr"):
        cells = row.find_all(["th", "td"], recursive=False)
        assert len(cells) == len(heads)
        for cell, kind in zip(cells, types, strict=True):
            if kind == "number":
                raw = cell["data-sort"]
                assert raw == "" or float(raw) == float(raw)
            elif kind == "text":
                assert cell.has_attr("data-sort")


def test_portal_is_self_contained_and_its_script_inline(outputs):
    html = write_portal(outputs).read_text(encoding="utf-8")
    assert check_offline(html) == []
    soup = BeautifulSoup(html, "html.parser")
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and not scripts[0].get("src")
    assert "data-sort" in scripts[0].get_text()
    assert soup.find("link") is None and len(soup.find_all("style")) == 1
    assert soup.find(id="ctg-sort-help").has_attr("hidden")  # shown by the script only
    assert not soup.find_all("button")  # buttons are added by the script only
    assert not list(outputs.glob(".index.html.*"))  # atomic write left no temporary file


def test_fictional_banner(outputs, tmp_path):
    soup = _portal(outputs)  # one fictional territory among two
    banners = soup.find_all(class_="ctg-fictional-banner")
    assert len(banners) == 1 and "démonstration" in banners[0].get_text()
    assert FICTIONAL_TEXT not in banners[0].get_text()  # not "no figure is real"
    assert "données fictives" in _rows(soup)["epci-000000101"].get_text()
    assert "données fictives" not in _rows(soup)["commune-31555"].get_text()

    demo = tmp_path / "demo"
    _territory(
        demo,
        "epci-000000101",
        name="CC du Haut-Val fictif",
        level="epci",
        code="000000101",
        fictional=True,
    )
    soup = _portal(demo)
    assert [b.get_text() for b in soup.find_all(class_="ctg-fictional-banner")] == [FICTIONAL_TEXT]
    assert soup.title.get_text().startswith("Données fictives — ")

    real = tmp_path / "real"
    _territory(real, "commune-31555", name="Toulouse", level="commune", code="31555")
    assert _portal(real).find(class_="ctg-fictional-banner") is None


def test_a_failed_run_keeps_the_previous_report(outputs):
    _territory(
        outputs,
        "epci-000000101",
        name="CC du Haut-Val fictif",
        level="epci",
        code="000000101",
        fictional=True,
        finished_at="2026-02-01T10:00:00+01:00",
        figures="indicateur,niveau,code,annee,valeur,unite,source\n"
        "population,epci,000000101,2022,7562.5,habitants,Insee\n",
    )
    (outputs / "epci-000000101" / SINGLE_FILE_NAME).write_text("<html></html>", encoding="utf-8")
    entries = {e.slug: e for e in collect_entries(outputs)}
    entry = entries["epci-000000101"]
    assert entry.failed and entry.previous_success
    assert entry.report_dir == "epci-000000101" and entry.failed_dir == "epci-000000101.echec"
    soup = _portal(outputs)
    row = _rows(soup)["epci-000000101"]
    assert "Rapport précédent" in row.get_text()
    assert row.find("a", href=f"epci-000000101/{SINGLE_FILE_NAME}") is not None
    assert _cell(row, "population", soup).get_text() == f"7{NBSP}563"  # rounded half away


def test_hidden_and_unrelated_folders_are_ignored(outputs):
    _territory(
        outputs, ".commune-31555.en-cours-123", name="en cours", level="commune", code="31555"
    )
    (outputs / "notes").mkdir()
    assert {e.slug for e in collect_entries(outputs)} == {"commune-31555", "epci-000000101"}


def test_empty_output_folder(tmp_path):
    soup = _portal(tmp_path)
    assert "Aucun diagnostic trouvé" in soup.get_text()
    assert soup.find("script") is None
    with pytest.raises(FileNotFoundError):
        write_portal(tmp_path / "absent")


def test_render_portal_is_deterministic_given_a_date(outputs):
    entries = collect_entries(outputs)
    one = render_portal(entries, title="Mes territoires", generated_at="01/02/2026 10:00")
    assert one == render_portal(entries, title="Mes territoires", generated_at="01/02/2026 10:00")
    assert "<title>Mes territoires</title>" in one and "01/02/2026 10:00" in one


# --------------------------------------------------------------------------------------
# Single-file report
# --------------------------------------------------------------------------------------

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU"
    "5ErkJggg=="
)


def _page(title: str, body: str, *, fictional: bool = True) -> str:
    banner = (
        f'<div class="ctg-fictional-banner" role="alert">{FICTIONAL_TEXT}</div>'
        if fictional
        else ""
    )
    prefix = "Données fictives — " if fictional else ""
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{prefix}{title} — CC du Haut-Val fictif</title>"
        "<style>body { color: black; }</style></head>"
        '<body class="jp-Notebook ctg-report"><main>'
        '<p class="ctg-back"><a href="index.html">← Retour</a></p>'
        f"{banner}"
        '<nav class="ctg-toc"><p>Sommaire</p><ul><li><a href="#enquete">x</a></li></ul></nav>'
        f"{body}"
        '<footer class="ctg-footer"><p>Généré le 01/02/2026.</p></footer>'
        "</main></body></html>"
    )


def _cell_html(heading: str) -> str:
    return f'<div class="jp-Cell jp-MarkdownCell">{heading}</div>'


@pytest.fixture
def territory(tmp_path):
    folder = tmp_path / "epci-000000101"
    folder.mkdir()
    first = _page(
        "Démographie : population, âges, vieillissement",
        "".join(
            [
                _cell_html(
                    '<h1 id="portrait">Portrait<a class="anchor-link" href="#portrait">¶</a></h1>'
                ),
                _cell_html(
                    '<h2 id="constats">Constats<a class="anchor-link" href="#constats">¶</a></h2>'
                ),
                '<p><a href="#constats">voir les constats</a></p>',
                '<div class="jp-RenderedImage">'
                f'<img src="data:image/png;base64,{PNG}" alt="g"></div>',
                _cell_html('<h3 id="detail">Détail</h3>'),
            ]
        ),
    )
    second = _page(
        "Enquête « habitants »",
        "".join(
            [
                _cell_html(
                    '<h1 id="enquete">Enquête<a class="anchor-link" href="#enquete">¶</a></h1>'
                ),
                _cell_html(
                    '<h2 id="constats">Constats<a class="anchor-link" href="#constats">¶</a></h2>'
                ),
                '<p><a href="#constats">voir les constats</a> <a href="https://www.insee.fr">Insee</a>'
                ' <a href="01_demographie.html#constats">démographie</a>'
                ' <a href="01_demographie.html">partie 1</a></p>',
                _cell_html('<h1 id="annexe">Annexe</h1>'),
                _cell_html('<h2 id="detail">Détail</h2>'),
            ]
        ),
    )
    (folder / "01_demographie.html").write_text(first, encoding="utf-8")
    (folder / "03_enquete_habitants.html").write_text(second, encoding="utf-8")
    (folder / "index.html").write_text("<!DOCTYPE html><title>accueil</title>", encoding="utf-8")
    return folder


def test_single_file_report_gathers_the_parts(territory):
    path = single_file_report(territory)
    assert path == territory / SINGLE_FILE_NAME
    html = path.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "fr"
    assert check_offline(html) == []
    assert len(soup.find_all("nav")) == 1  # one table of contents
    assert len(soup.find_all(class_="ctg-fictional-banner")) == 1
    assert soup.find("main").find(True)["class"] == ["ctg-back"]
    assert len(soup.find_all("style")) == 2  # report CSS (+ print rules), the parts' own
    assert len(soup.find_all("footer")) == 1
    assert soup.title.get_text() == "Données fictives — Rapport complet — CC du Haut-Val fictif"
    ids = [str(tag["id"]) for tag in soup.find_all(id=True)]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    sections = soup.find_all("section", class_="ctg-part")
    assert len(sections) == 2
    # one h1 per part, titled after the page; the other h1 became an h2
    assert [[h.get_text().rstrip("¶") for h in s.find_all("h1")] for s in sections] == [
        ["Démographie : population, âges, vieillissement"],
        ["Enquête « habitants »"],
    ]
    assert [h.get_text() for h in sections[1].find_all("h2")] == ["Constats¶", "Annexe", "Détail"]
    # every TOC entry, in-part link and heading anchor points to an existing id
    toc = soup.find("nav")
    entries = [
        (li["class"][0], a.get_text(), a["href"])
        for li in toc.find_all("li")
        for a in li.find_all("a")
    ]
    assert [e[0] for e in entries] == [
        "ctg-toc-1",
        "ctg-toc-2",
        "ctg-toc-3",
        "ctg-toc-1",
        "ctg-toc-2",
        "ctg-toc-2",
        "ctg-toc-2",
    ]
    for link in soup.find_all("a", href=True):
        if link["href"].startswith("#"):
            assert soup.find(id=link["href"][1:]) is not None, link
    second_constats = sections[1].find("h2")["id"]
    assert second_constats != sections[0].find("h2")["id"]
    assert sections[1].find("a", string="voir les constats")["href"] == f"#{second_constats}"
    assert sections[0].find("a", string="voir les constats")["href"] == "#constats"
    assert sections[1].find("a", string="démographie")["href"] == "#constats"  # other part
    assert sections[1].find("a", string="partie 1")["href"] == f"#{sections[0]['id']}"
    assert sections[1].find("a", string="Insee")["href"] == "https://www.insee.fr"
    assert sections[0].find("img")["src"].startswith("data:image/png;base64,")
    css = soup.find("style").get_text()
    assert "@media print" in css and "break-before: page" in css
    assert 'content: " (" attr(href) ")"' in css


def test_parts_follow_the_manifest_order(territory):
    (territory / "03_enquete_elus.html").write_text(
        _page("Enquête « elus »", _cell_html('<h1 id="enquete">Enquête</h1>')), encoding="utf-8"
    )
    manifest = {
        "territory": {"name": "CC du Haut-Val fictif"},
        "fictional_data": True,
        "notebooks": ["01_demographie", "03_enquete"],
        "params": {"surveys": [{"id": "habitants"}, {"id": "elus"}]},
    }
    (territory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    soup = BeautifulSoup(single_file_report(territory).read_text(encoding="utf-8"), "html.parser")
    assert [s["aria-label"] for s in soup.find_all("section")] == [
        "Démographie : population, âges, vieillissement",
        "Enquête « habitants »",
        "Enquête « elus »",
    ]
    assert "6 parties" not in soup.get_text() and "3 parties" in soup.get_text()


def test_size_budget(territory):
    with pytest.raises(ReportTooLargeError, match="budget") as caught:
        single_file_report(territory, max_bytes=2_000)
    assert caught.value.size > 2_000 and caught.value.max_bytes == 2_000
    assert not (territory / SINGLE_FILE_NAME).exists()  # nothing written
    assert single_file_report(territory, max_bytes=10_000_000).stat().st_size <= 10_000_000


def test_real_data_report_has_no_banner(territory):
    for page in territory.glob("0*.html"):
        text = page.read_text(encoding="utf-8")
        text = text.replace(
            f'<div class="ctg-fictional-banner" role="alert">{FICTIONAL_TEXT}</div>', ""
        )
        page.write_text(text.replace("Données fictives — ", ""), encoding="utf-8")
    soup = BeautifulSoup(single_file_report(territory).read_text(encoding="utf-8"), "html.parser")
    assert soup.find(class_="ctg-fictional-banner") is None
    assert soup.title.get_text() == "Rapport complet — CC du Haut-Val fictif"


def test_no_page_to_gather(tmp_path):
    with pytest.raises(FileNotFoundError, match="aucune page de carnet"):
        single_file_report(tmp_path)
    with pytest.raises(FileNotFoundError):
        single_file_report(tmp_path, parts=["01_demographie.html"])


def test_an_unreadable_manifest_is_listed_as_failed(outputs):
    broken = outputs / "commune-00001"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json", encoding="utf-8")
    row = _rows(_portal(outputs))["commune-00001"]
    assert row["data-status"] == "echec"
    assert "manifest.json illisible" in row.get_text()


def test_long_or_bare_error_messages(tmp_path):
    _territory(
        tmp_path,
        "commune-00001.echec",
        name="A",
        level="commune",
        code="00001",
        status="failed",
        error={"type": "KeyError", "message": "x" * 500, "notebook": None, "cell": None},
    )
    _territory(
        tmp_path,
        "commune-00002.echec",
        name="B",
        level="commune",
        code="00002",
        status="failed",
        error={
            "type": "KeyError",
            "message": "KeyError: 'P22_POP'",
            "notebook": "01_demographie",
            "cell": 4,
        },
    )
    rows = _rows(_portal(tmp_path))
    long = rows["commune-00001"]
    assert long.find("details").find("pre").get_text() == "x" * 500
    assert len(long.find("p", class_="ctg-error").get_text()) < 250
    assert (
        "KeyError: 'P22_POP' (notebook 01_demographie, cellule 4)"
        in rows["commune-00002"].get_text()
    )


def test_failures_of_a_batch_without_folder_are_listed(outputs):
    batch = {
        "tool": "ctgstats batch",
        "finished_at": "2026-04-01T10:00:00+02:00",
        "items": [
            {
                "territoire": "commune-31555",
                "nom": "Toulouse fictive",
                "statut": "échec",
                "message": "ValueError: fichier RP2022 illisible",
                "notebook_en_echec": None,
                "cellule": None,
            },
            {
                "territoire": "epci-200072635",
                "nom": None,
                "statut": "échec",
                "message": "DataError: colonne P22_POP absente",
                "notebook_en_echec": None,
                "cellule": None,
            },
            {"territoire": "commune-00009", "nom": "Ok", "statut": "réussi"},
        ],
    }
    (outputs / "batch-manifest.json").write_text(
        json.dumps(batch, ensure_ascii=False), encoding="utf-8"
    )
    entries = {e.slug: e for e in collect_entries(outputs)}
    assert set(entries) == {"commune-31555", "epci-000000101", "epci-200072635"}
    new = entries["epci-200072635"]
    assert new.failed and (new.level, new.code) == ("epci", "200072635")
    assert new.error == "DataError: colonne P22_POP absente" and new.report_dir is None
    older = entries["commune-31555"]  # its report (March) is older than the batch (April)
    assert older.failed and older.previous_success
    assert older.report_dir == "commune-31555" and "RP2022 illisible" in older.error
    assert "population" in older.figures  # figures of the previous report


# --------------------------------------------------------------------------------------
# Portal of a large batch: territories grouped by département
# --------------------------------------------------------------------------------------


def test_a_large_portal_groups_the_territories_by_departement(tmp_path):
    from ctgstats.publish.portal import PORTAL_GROUP_AFTER

    root = tmp_path / "outputs"
    expected: dict[str, list[str]] = {"Ariège (09)": [], "Aude (11)": []}
    for number in range(PORTAL_GROUP_AFTER + 1):
        dep, name = ("09", "Ariège") if number % 3 else ("11", "Aude")
        folder = _territory(
            root, f"epci-{number:03d}", name=f"CC {number:02d}", level="epci", code=f"{number}"
        )
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        manifest["territory"]["departement"] = {"code": dep, "name": name}
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        expected[f"{name} ({dep})"].append(f"epci-{number:03d}/index.html")
    soup = _portal(root)
    groups = soup.select("section details.ctg-portal-group")
    found = {
        g.find("summary").get_text().split(" — ")[0]: [a["href"] for a in g.find_all("a")]
        for g in groups
    }
    assert found == expected
    counts = [g.find("summary").get_text().split(" — ")[1] for g in groups]
    assert counts == [f"{len(expected['Ariège (09)'])} territoires", "5 territoires"]
    assert len(_rows(soup)) == PORTAL_GROUP_AFTER + 1  # the table still lists all of them
    for href in (h for hrefs in found.values() for h in hrefs):
        assert (root / href).is_file()


def test_a_small_portal_is_not_grouped(outputs):
    assert _portal(outputs).select("details.ctg-portal-group") == []
