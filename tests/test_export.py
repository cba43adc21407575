"""Tests of ctgstats.publish.export: offline self-contained HTML pages."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from ctgstats.present import display
from ctgstats.publish import export

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
SRC = Path(__file__).resolve().parents[1] / "src"
CODE_MARKER = "secret_code_marker_42 = charts.population_trend(figures)"
BANNER = "Données fictives — territoire de démonstration."


def _png() -> str:
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([1, 2, 3])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _notebook(path: Path, *extra_cells) -> Path:
    notebook = new_notebook()
    notebook.cells = [
        new_markdown_cell("# Portrait de la population\n\nIntroduction."),
        new_code_cell(
            CODE_MARKER,
            execution_count=1,
            outputs=[
                new_output(
                    "display_data",
                    data={"image/png": _png(), "text/plain": "<Figure size 200x100>"},
                )
            ],
        ),
        new_markdown_cell("## Évolution démographique"),
        new_code_cell(
            "display.vigilance_box([])",
            execution_count=2,
            outputs=[
                new_output(
                    "execute_result",
                    execution_count=2,
                    data={
                        "text/html": display.vigilance_box([]).data,
                        "text/plain": "<IPython.core.display.HTML object>",
                    },
                )
            ],
        ),
        *extra_cells,
    ]
    nbformat.write(notebook, path)
    return path


def _export(tmp_path: Path, *extra_cells, **options) -> tuple[BeautifulSoup, str]:
    source = _notebook(tmp_path / "portrait.ipynb", *extra_cells)
    target = export.notebook_to_html(
        source,
        tmp_path / "html" / "portrait.html",
        title=options.pop("title", "Portrait"),
        **options,
    )
    html = target.read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser"), html


# --- notebook_to_html ------------------------------------------------------------------


def test_export_hides_code_and_embeds_images(tmp_path):
    soup, html = _export(tmp_path)
    assert "secret_code_marker_42" not in html
    assert soup.find(class_="jp-InputArea-editor") is None
    assert soup.find(class_="jp-InputPrompt") is None
    assert "In&nbsp;[" not in html and "Out[" not in html
    images = soup.find_all("img")
    assert len(images) == 1
    assert images[0]["src"].startswith("data:image/png;base64,")
    assert "No description" not in images[0]["alt"]


def test_export_writes_the_chart_alt_text(tmp_path):
    alt = "Population de la CC du Test : de 8\u00a0028 à 7\u00a0563 habitants (−5,8\u00a0%) <&>"
    chart = new_code_cell(
        "charts.population_trend(figures)",
        execution_count=3,
        outputs=[
            new_output(
                "execute_result",
                execution_count=3,
                data={"image/png": _png(), "text/plain": "<Figure size 200x100>"},
                metadata={"image/png": {"alt": alt}},
            )
        ],
    )
    soup, html = _export(tmp_path, chart)
    images = soup.find_all("img")
    assert len(images) == 2
    assert images[1]["alt"] == alt  # the chart's own description, escaped in the page
    assert "&lt;&amp;&gt;" in html
    assert images[0]["alt"] == export._FRENCH_ALT  # an image without one: generic French


def test_export_is_offline_french_and_has_our_css(tmp_path):
    soup, html = _export(tmp_path, title="Portrait — Commune A")
    assert export.check_offline(html) == []
    assert soup.html["lang"] == "fr"
    assert soup.title.get_text() == "Portrait — Commune A"
    assert soup.find("script") is None
    assert "ctg-toc" in soup.find("style").get_text()
    assert "cdnjs" not in html and "unpkg" not in html and "mathjax" not in html.lower()


def test_export_toc_links_to_headings(tmp_path):
    soup, _ = _export(tmp_path)
    nav = soup.find("nav", class_="ctg-toc")
    assert nav is not None
    links = {a.get_text(): a["href"] for a in nav.find_all("a")}
    assert set(links) == {"Portrait de la population", "Évolution démographique"}
    for text, href in links.items():
        target = soup.find(id=href[1:])
        assert target is not None and target.name in ("h1", "h2")
        assert text in target.get_text()
    assert links["Évolution démographique"] == "#evolution-demographique"
    # the TOC follows the title cell
    assert nav.find_previous("h1").get_text().startswith("Portrait de la population")


def test_export_toc_ids_are_unique(tmp_path):
    soup, _ = _export(tmp_path, new_markdown_cell("## Évolution démographique"))
    hrefs = [a["href"] for a in soup.find("nav", class_="ctg-toc").find_all("a")]
    assert len(hrefs) == len(set(hrefs)) == 3
    assert all(soup.find(id=h[1:]) is not None for h in hrefs)


def test_export_toc_includes_markdown_outputs(tmp_path):
    title = display.markdown_title("Familles & ménages", level=2)
    cell = new_code_cell(
        "display.markdown_title(...)",
        execution_count=3,
        outputs=[new_output("display_data", data={"text/markdown": title.data, "text/plain": "x"})],
    )
    soup, _ = _export(tmp_path, cell)
    texts = [a.get_text() for a in soup.find("nav", class_="ctg-toc").find_all("a")]
    assert "Familles & ménages" in texts


def test_export_fictional_banner(tmp_path):
    soup, html = _export(tmp_path, fictional=True)
    banners = soup.find_all(class_="ctg-fictional-banner")
    assert len(banners) == 1
    assert banners[0].get_text().startswith(BANNER)
    assert soup.find("main").find(True) is banners[0]  # first thing on the page
    assert soup.title.get_text().startswith("Données fictives")


def test_export_no_banner_by_default(tmp_path):
    _, html = _export(tmp_path)
    assert "ctg-fictional-banner" not in html.split("</style>", 1)[1]
    assert "Données fictives" not in html


def test_export_single_banner_when_notebook_shows_one(tmp_path):
    cell = new_code_cell(
        "display.fictional_banner()",
        execution_count=3,
        outputs=[
            new_output(
                "execute_result",
                execution_count=3,
                data={"text/html": display.fictional_banner().data, "text/plain": "x"},
            )
        ],
    )
    soup, _ = _export(tmp_path, cell, fictional=True)
    assert len(soup.find_all(class_="ctg-fictional-banner")) == 1


def test_export_back_link_and_footer(tmp_path):
    soup, _ = _export(tmp_path, index_href="../index.html", footer="Généré le 2 mai 2025 <v1>")
    assert soup.find("p", class_="ctg-back").find("a")["href"] == "../index.html"
    assert soup.find("footer").get_text() == "Généré le 2 mai 2025 <v1>"


def test_export_drops_stderr_and_tagged_cells(tmp_path, caplog):
    noisy = new_code_cell(
        "import warnings",
        execution_count=3,
        outputs=[
            new_output("stream", name="stderr", text="FutureWarning: something\n"),
            new_output("stream", name="stdout", text="Bonjour\n"),
        ],
    )
    removed = new_code_cell(
        "x",
        execution_count=4,
        metadata={"tags": ["remove_cell"]},
        outputs=[new_output("stream", name="stdout", text="cache-moi\n")],
    )
    _, html = _export(tmp_path, noisy, removed)
    assert "FutureWarning" not in html
    assert "Bonjour" in html
    assert "cache-moi" not in html
    assert "FutureWarning" in caplog.text
    _, kept = _export(tmp_path, noisy, keep_stderr=True)
    assert "FutureWarning" in kept


def test_export_refuses_external_resources(tmp_path):
    cell = new_code_cell(
        "HTML(...)",
        execution_count=3,
        outputs=[
            new_output(
                "display_data",
                data={"text/html": '<img src="https://example.org/a.png">', "text/plain": "x"},
            )
        ],
    )
    source = _notebook(tmp_path / "bad.ipynb", cell)
    target = tmp_path / "bad.html"
    with pytest.raises(export.NotSelfContainedError) as error:
        export.notebook_to_html(source, target, title="Mauvais")
    assert "https://example.org/a.png" in error.value.resources
    assert not target.exists()


@pytest.mark.notebooks
def test_executed_fixture_notebook_exports(tmp_path, monkeypatch):
    """End to end: execute the fixture notebook (charts, tables) and export it."""
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])
    )
    notebook = nbformat.read(FIXTURES / "demo_report.ipynb", as_version=4)
    nbclient.NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    chart_cell = next(c for c in notebook.cells if "population_trend" in c.source)
    assert [o.output_type for o in chart_cell.outputs] == ["execute_result"]  # shown once
    assert "image/png" in chart_cell.outputs[0].data
    executed = tmp_path / "executed.ipynb"
    nbformat.write(notebook, executed)
    target = export.notebook_to_html(executed, tmp_path / "demo.html", title="Démo", fictional=True)
    html = target.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert export.check_offline(html) == []
    assert "population_trend" not in html
    assert len(soup.find_all(class_="ctg-fictional-banner")) == 1
    assert soup.find("table", class_="ctg-key-figures") is not None
    assert "n.d." in soup.find("table", class_="ctg-key-figures").get_text()
    assert soup.find("img")["src"].startswith("data:image/png;base64,")
    # the chart's French alt text, set by chart_style, reached <img alt> through the kernel
    assert soup.find("img")["alt"].startswith("Population ")


# --- check_offline ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "url"),
    [
        (
            '<script src="https://cdn.example/require.js"></script>',
            "https://cdn.example/require.js",
        ),
        ('<script src="//cdn.example/x.js"></script>', "//cdn.example/x.js"),
        ('<link rel="stylesheet" href="https://fonts.example/css">', "https://fonts.example/css"),
        (
            '<link rel="preload" href="https://cdn.example/f.woff2" as="font">',
            "https://cdn.example/f.woff2",
        ),
        (
            '<link rel="icon" href="http://example.org/favicon.ico">',
            "http://example.org/favicon.ico",
        ),
        ('<img src="http://example.org/a.png">', "http://example.org/a.png"),
        (
            '<img src="data:image/png;base64,AAAA" srcset="https://example.org/b.png 2x">',
            "https://example.org/b.png",
        ),
        ('<img src="figures/chart.png">', "figures/chart.png"),
        ('<iframe src="https://www.example.org/map"></iframe>', "https://www.example.org/map"),
        ('<video><source src="https://example.org/v.mp4"></video>', "https://example.org/v.mp4"),
        ('<embed src="https://example.org/e.svg">', "https://example.org/e.svg"),
        ('<object data="https://example.org/o.pdf"></object>', "https://example.org/o.pdf"),
        (
            "<style>body { background: url('https://example.org/bg.png'); }</style>",
            "https://example.org/bg.png",
        ),
        (
            '<style>@import url("https://example.org/more.css");</style>',
            "https://example.org/more.css",
        ),
        (
            "<style>@import 'https://example.org/other.css';</style>",
            "https://example.org/other.css",
        ),
        (
            '<div style="background-image: url(http://example.org/x.png)"></div>',
            "http://example.org/x.png",
        ),
        ('<svg><image href="https://example.org/i.png"/></svg>', "https://example.org/i.png"),
        (
            "<script>import('https://cdn.example/mermaid.mjs')</script>",
            "https://cdn.example/mermaid.mjs",
        ),
    ],
)
def test_check_offline_detects(html, url):
    page = f"<!DOCTYPE html><html><head></head><body>{html}</body></html>"
    assert export.check_offline(page) == [url]


def test_check_offline_accepts_self_contained_page():
    page = """<!DOCTYPE html><html lang="fr"><head><style>
      .a { background: url(data:image/svg+xml;base64,AAAA); }
      .b { clip-path: url(#clip); }
    </style><link rel="canonical" href="https://example.org/rapport"></head><body>
      <a href="https://www.insee.fr/fr/statistiques">Insee</a>
      <a href="tables/figures.csv">CSV</a>
      <img src="data:image/png;base64,iVBORw0KGgo=">
      <svg xmlns="http://www.w3.org/2000/svg"><use href="#sym"/></svg>
    </body></html>"""
    assert export.check_offline(page) == []


def test_check_offline_deduplicates():
    page = '<img src="https://x.org/a.png"><img src="https://x.org/a.png">'
    assert export.check_offline(page) == ["https://x.org/a.png"]


# --- render_index and files ------------------------------------------------------------


def _index(**overrides) -> str:
    arguments = {
        "title": "Commune A",
        "subtitle": "Diagnostic CTG — recensement 2022",
        "notebooks": [
            ("Portrait de la population", "portrait.html"),
            ("Familles & ménages", "familles menages.html"),
        ],
        "key_figures_html": '<table class="ctg-table"><tr><td>12\u00a0346</td></tr></table>',
        "tables": [
            ("Tous les chiffres (CSV)", "tables/figures.csv"),
            ("Classeur Excel", "tables/ctgstats.xlsx"),
        ],
        "fictional": False,
        "generated_at": "2 mai 2025 à 10 h 00",
        "ctgstats_version": "0.1.0",
    }
    arguments.update(overrides)
    return export.render_index(**arguments)


def test_render_index():
    html = _index(notes=["Les effectifs < 200 sont fragiles."])
    soup = BeautifulSoup(html, "html.parser")
    assert export.check_offline(html) == []
    assert soup.html["lang"] == "fr"
    assert soup.find("h1").get_text() == "Commune A"
    assert soup.title.get_text() == "Commune A"
    hrefs = {a.get_text(): a["href"] for a in soup.find_all("a")}
    assert hrefs["Portrait de la population"] == "portrait.html"
    assert hrefs["Familles & ménages"] == "familles%20menages.html"
    assert hrefs["Tous les chiffres (CSV)"] == "tables/figures.csv"
    assert hrefs["Classeur Excel"] == "tables/ctgstats.xlsx"
    assert "12\u00a0346" in soup.find("table").get_text()
    footer = soup.find("footer").get_text()
    assert "2 mai 2025 à 10 h 00" in footer and "ctgstats 0.1.0" in footer
    assert "Les effectifs < 200 sont fragiles." in soup.get_text()
    assert "ctg-fictional-banner" not in html.split("</style>", 1)[1]
    assert soup.find("style") is not None and soup.find("script") is None


def test_render_index_fictional():
    soup = BeautifulSoup(_index(fictional=True), "html.parser")
    banner = soup.find(class_="ctg-fictional-banner")
    assert banner is not None and banner.get_text().startswith(BANNER)
    assert soup.find("main").find(True) is banner
    assert soup.title.get_text() == "Données fictives — Commune A"


def test_render_index_escapes_text():
    html = _index(title="<b>Commune</b>", notes=["<script>x</script>"])
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("h1").get_text() == "<b>Commune</b>"
    assert soup.find("script") is None


def test_render_index_refuses_external_key_figures():
    with pytest.raises(export.NotSelfContainedError):
        _index(key_figures_html='<img src="https://example.org/x.png">')


def test_render_index_refuses_script_links():
    with pytest.raises(ValueError):
        _index(notebooks=[("x", "javascript:alert(1)")])


def test_number_cells_are_right_aligned_in_every_table():
    from bs4 import BeautifulSoup

    from ctgstats.publish.export import align_numbers

    nb = "\u00a0"
    cells = {
        "Saint-Fictif": False,
        "12 345": True,
        f"3{nb}401": True,
        f"42,0{nb}%": True,
        f"−12,8{nb}points": True,
        f"21{nb}450{nb}€": True,
        "1,4–16,5 %": True,
        f"9,8 % ± 3,3{nb}pt": True,
        "n.d.": True,
        "s": True,
        "2022": True,
        "Plutôt oui": False,
        "A1": False,
        "00001": True,
    }
    rows = "".join(f"<tr><td>{text}</td></tr>" for text in cells)
    soup = BeautifulSoup(f"<table>{rows}</table>", "html.parser")
    align_numbers(soup)
    got = {td.get_text(): "ctg-num" in (td.get("class") or []) for td in soup.find_all("td")}
    assert got == cells


# --- navigation between pages ------------------------------------------------------------


def _pager_hrefs(soup: BeautifulSoup) -> list[dict[str, str]]:
    """For each pager (top, bottom): {class of the link: href}."""
    return [
        {a["class"][0]: a["href"] for a in nav.find_all("a")}
        for nav in soup.find_all("nav", class_="ctg-pager")
    ]


def test_a_middle_page_links_the_previous_and_next_pages_at_top_and_bottom(tmp_path):
    soup, _ = _export(
        tmp_path,
        index_href="index.html",
        footer="Généré le 2 décembre 2026",
        previous=("Démographie", "01_demographie.html"),
        following=("Enquête habitants 2029", "03_enquete_habitants.html"),
    )
    top, bottom = _pager_hrefs(soup)
    assert top == {
        "ctg-pager-prev": "01_demographie.html",
        "ctg-pager-next": "03_enquete_habitants.html",
    }
    assert bottom == {**top, "ctg-pager-home": "index.html"}
    main = soup.find("main")
    navs = main.find_all("nav", class_="ctg-pager")
    # top pager before the first heading; bottom one after the last cell, before the footer
    assert main.find_all(["nav", "h1"])[0]["class"][0] == "ctg-pager"
    assert navs[1].find_next("footer") is not None
    assert navs[1].find_next(class_="jp-Cell") is None
    prev = soup.find("a", class_="ctg-pager-prev")
    assert prev["rel"] == ["prev"] and "Démographie" in prev.get_text()
    assert "précédent" in prev.get_text()
    assert "suivant" in soup.find("a", class_="ctg-pager-next").get_text()


def test_the_first_and_last_pages_have_only_one_neighbour(tmp_path):
    first, _ = _export(tmp_path, following=("Familles", "02.html"))
    assert [set(p) for p in _pager_hrefs(first)] == [{"ctg-pager-next"}, {"ctg-pager-next"}]
    last, _ = _export(tmp_path, previous=("Démographie", "01.html"), index_href="index.html")
    assert [set(p) for p in _pager_hrefs(last)] == [
        {"ctg-pager-prev"},
        {"ctg-pager-prev", "ctg-pager-home"},
    ]
    alone, _ = _export(tmp_path)
    assert _pager_hrefs(alone) == []


def test_a_long_table_of_contents_folds_the_sub_headings_of_each_section(tmp_path):
    cells = []
    for n in range(export.TOC_FOLD_AFTER):
        cells.append(new_markdown_cell(f"## Section {n}"))
        cells += [new_markdown_cell(f"### Détail {n}.{k}") for k in range(n % 3)]
    soup, _ = _export(tmp_path, *cells)
    toc = soup.find("nav", class_="ctg-toc")
    top = toc.find("ul").find_all("li", recursive=False)
    # the page title (h1), its own h2, then the twelve sections: all visible
    shown = [li.a.get_text() for li in top]
    assert shown[0] == "Portrait de la population"
    assert [t for t in shown if t.startswith("Section")] == [
        f"Section {n}" for n in range(export.TOC_FOLD_AFTER)
    ]
    for li in top:
        name = li.a.get_text()
        if not name.startswith("Section"):
            assert li.find("details") is None
            continue
        n = int(name.split()[1])
        folded = li.find("details")
        if n % 3 == 0:
            assert folded is None
            continue
        assert not folded.has_attr("open")
        assert [a.get_text() for a in folded.find_all("a")] == [
            f"Détail {n}.{k}" for k in range(n % 3)
        ]
        count = n % 3
        assert folded.summary.get_text() == f"{count} sous-rubrique{'s' if count > 1 else ''}"
    every = [a["href"] for a in toc.find_all("a")]
    assert len(every) == len(set(every)) == len(soup.find("main").find_all(["h1", "h2", "h3"])) - 0
    short, _ = _export(tmp_path)
    assert short.find("nav", class_="ctg-toc").find("details") is None


def test_render_index_groups_the_chapters_and_links_the_portal():
    chapters = [
        ("Portrait", [("Démographie", "01.html"), ("Familles", "02.html")]),
        ("Enquêtes", [("Enquête élus", "03_elus.html")]),
    ]
    soup = BeautifulSoup(
        _index(chapters=chapters, notebooks=[], portal_href="../index.html"), "html.parser"
    )
    section = soup.find("h2", id="diagnostic").parent
    groups = {
        h.get_text(): [a["href"] for a in h.find_next("ul").find_all("a")] for h in section("h3")
    }
    assert groups == {"Portrait": ["01.html", "02.html"], "Enquêtes": ["03_elus.html"]}
    back = soup.find("p", class_="ctg-back").find("a")
    assert back["href"] == "../index.html" and "Tous les territoires" in back.get_text()
    single = BeautifulSoup(_index(chapters=chapters[:1], notebooks=[]), "html.parser")
    assert single.find("h2", id="diagnostic").parent.find("h3") is None
    assert single.find("p", class_="ctg-back") is None


# --- glossary of the words of the trade ----------------------------------------------------


def test_the_first_jargon_of_a_page_links_the_glossary_of_the_home_page(tmp_path):
    from ctgstats.present.glossary import JARGON

    text = (
        "Géographie du COG 2025. Les familles viennent de l'exploitation complémentaire ; "
        "le revenu par unité de consommation (UC) aussi. Encore le COG et les UC."
    )
    soup, _ = _export(tmp_path, new_markdown_cell(text), index_href="index.html")
    links = {a["href"]: a.get_text() for a in soup.select("abbr.ctg-jargon > a")}
    assert links == {
        "index.html#glossaire-cog": "COG",
        "index.html#glossaire-exploitation-complementaire": "exploitation complémentaire",
        "index.html#glossaire-uc": "unité de consommation",
    }
    definitions = {t.anchor: t.definition for t in JARGON}
    for abbr in soup.select("abbr.ctg-jargon"):
        anchor = abbr.a["href"].split("#")[1]
        assert abbr["title"] == definitions[anchor]
    page_text = " ".join(soup.get_text().split())
    assert "Géographie du COG 2025." in page_text  # the text reads the same
    assert "Encore le COG et les UC." in page_text
    # headings and links are never wrapped
    assert not soup.select("h1 abbr, h2 abbr, a abbr")


def test_the_home_page_holds_the_glossary_its_links_point_to():
    from ctgstats.present.glossary import JARGON

    html = _index(notes=["Géographie du COG 2025 ; revenus par UC."])
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("h2", id="glossaire").get_text() == "Glossaire"
    assert [dt["id"] for dt in soup.select("dl.ctg-glossary dt")] == [t.anchor for t in JARGON]
    hrefs = [a["href"] for a in soup.select("abbr.ctg-jargon > a")]
    assert hrefs == ["#glossaire-cog", "#glossaire-uc"]
    for href in hrefs:
        assert soup.find(id=href[1:]) is not None
    assert export.check_offline(html) == []
