"""What ``notebooks/03_enquete.ipynb`` displays, one call per block."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML, display

from ctgstats.data.registry import THEMES
from ctgstats.portrait import charts
from ctgstats.present import display as ctg_display
from ctgstats.present.formatting import NBSP, fr_int, fr_number, fr_percent, fr_signed
from ctgstats.surveys import charts as survey_charts
from ctgstats.surveys.analysis import SurveyAnalysis
from ctgstats.surveys.waves import WaveComparison, main_differences, signed_bound


def _source(analysis: SurveyAnalysis) -> str:
    return f"Source{NBSP}: {analysis.title}"


def _figure(analysis: SurveyAnalysis, figure):
    if analysis.fictional:
        charts.fictional_watermark(figure)
    return figure


def header(analysis: SurveyAnalysis) -> HTML:
    """Page title (the survey and its wave), banner, universe, sizes and weighting."""
    display(ctg_display.markdown_title(analysis.title, level=1))
    parts = [ctg_display.fictional_banner().data] if analysis.fictional else []
    survey = analysis.codebook.survey
    parts.append(
        f"<p><strong>{html.escape(analysis.title)}</strong> — "
        f"{fr_int(analysis.n_included)} répondants retenus<br>"
        f"Population visée : {html.escape(survey.universe)}.<br>"
        f"{fr_int(len(analysis.data.respondents))} questionnaires reçus, "
        f"{fr_int(analysis.n_included)} analysés.</p>"
        f"<p>{html.escape(analysis.weighting_note)}</p>"
    )
    return HTML("\n".join(parts))


def quality(analysis: SurveyAnalysis) -> HTML:
    """Data-quality table: what was received, excluded and why (nothing silently dropped)."""
    summary = analysis.quality_summary().rename(
        columns={"indicateur": "Questionnaires", "effectif": "Nombre"}
    )
    table = ctg_display.simple_table(summary, caption="Qualité des données").data
    problems = analysis.data.quality
    if len(problems):
        counts = (
            problems.groupby(["probleme", "traitement"])
            .size()
            .rename("nombre")
            .reset_index()
            .rename(
                columns={"probleme": "Problème", "traitement": "Traitement", "nombre": "Nombre"}
            )
        )
        table += ctg_display.simple_table(counts, caption="Problèmes relevés").data
    return HTML(table)


def weighting(analysis: SurveyAnalysis) -> HTML:
    """Margins before and after raking, n, Kish n_eff and design effect."""
    if analysis.raking is None:
        return HTML(f"<p>{html.escape(analysis.weighting_note)}</p>")
    margins = analysis.raking.margins.copy()
    names = {"age": "Âge", "sexe": "Sexe", "commune": "Commune"}
    margins["modalite"] = [
        (option.label if (option := analysis.codebook.descriptors[v].option(str(m))) else str(m))
        for v, m in zip(margins["variable"], margins["modalite"])
    ]
    margins["variable"] = margins["variable"].map(lambda v: names.get(v, v))
    margins = margins.drop(columns=["effectif"], errors="ignore")
    for column in ("part_population", "part_echantillon", "part_ponderee_cales", "part_ponderee"):
        if column in margins:
            margins[column] = margins[column].map(fr_percent)  # already in percent
    if "ecart_points" in margins:
        margins["ecart_points"] = margins["ecart_points"].map(fr_signed)
    order = [
        "variable",
        "modalite",
        "population",
        "part_population",
        "part_echantillon",
        "part_ponderee_cales",
        "part_ponderee",
        "ecart_points",
    ]
    margins = margins[[c for c in order if c in margins]]
    if "population" in margins:
        margins["population"] = margins["population"].map(fr_int)
    margins = margins.rename(
        columns={
            "variable": "Variable",
            "modalite": "Modalité",
            "population": "Population",
            "part_population": "Part dans la population",
            "part_echantillon": "Part parmi les répondants",
            "part_ponderee_cales": "Part pondérée, répondants calés",
            "part_ponderee": "Part pondérée, tous répondants",
            "ecart_points": "Écart à la population (points)",
        }
    )
    lo, hi = analysis.raking.bounds
    sizes = (
        f"<p>n = {fr_int(analysis.n_included)} répondants ; taille effective "
        f"n<sub>eff</sub> = (Σw)²/Σw² = {fr_number(analysis.n_eff, 1)} ; effet de plan dû à "
        f"la pondération = {fr_number(analysis.design_effect, 2)}. Poids bornés entre "
        f"{fr_number(lo, 2)} et {fr_number(hi, 2)} fois le poids moyen "
        f"({fr_int(analysis.raking.trimmed)} poids aux bornes).</p>"
    )
    return HTML(
        ctg_display.simple_table(margins, caption="Marges avant et après calage").data
        + sizes
        + "".join(f"<p>{html.escape(note)}</p>" for note in analysis.raking.notes)
        + f"<p>{html.escape(analysis.weighting_note)}</p>"
    )


def _share_header(rows: pd.DataFrame) -> str:
    """« Part pondérée » or « Part (non pondérée) » of a question's rows."""
    weighted = bool(rows["pondere"].iloc[0]) if len(rows) else False
    return "Part pondérée" if weighted else "Part (non pondérée)"


def _frequency_table(rows: pd.DataFrame) -> str:
    shown = pd.DataFrame(
        {
            "Modalité": rows["modalite"],
            "Effectif brut (non pondéré)": rows["effectif"].map(fr_int),
            _share_header(rows): rows["pourcentage"].map(fr_percent),
            "IC 95 %": [
                f"{fr_number(a, 1)}–{fr_number(b, 1)}{NBSP}%"
                for a, b in zip(rows["ic_bas"], rows["ic_haut"])
            ],
        }
    )
    return ctg_display.simple_table(shown).data


def results(analysis: SurveyAnalysis) -> None:
    """Every choice question: a chart with intervals and its table (displayed in order)."""
    freq = analysis.frequencies
    for question in analysis.codebook.questions:
        rows = freq[freq["question"] == question.id]
        if rows.empty:
            continue
        display(ctg_display.markdown_title(question.label, level=3))
        kind = (
            "Plusieurs réponses possibles : les pourcentages ne s'additionnent pas."
            if question.type == "multiple"
            else ""
        )
        muted = {o.code for o in question.options if o.dont_know}
        display(
            _figure(
                analysis,
                survey_charts.question_bars(
                    rows, title="Répartition des réponses", source=_source(analysis), muted=muted
                ),
            )
        )
        display(HTML(_frequency_table(rows) + (f"<p class='ctg-note'>{kind}</p>" if kind else "")))


def likert(analysis: SurveyAnalysis):
    """Diverging bars of the Likert questions (grouped by identical scales)."""
    groups: dict[tuple, list] = {}
    for question in analysis.codebook.questions:
        if question.type == "likert":
            scale = tuple((o.code, o.label) for o in question.options if not o.dont_know)
            groups.setdefault(scale, []).append(question)
    if not groups:
        return HTML("<p>Pas de question à échelle dans ce questionnaire.</p>")
    for scale, questions in groups.items():
        display(
            _figure(
                analysis,
                survey_charts.likert_diverging(
                    analysis.frequencies,
                    questions=[q.id for q in questions],
                    labels={q.id: q.label for q in questions},
                    scale=list(scale),
                    title="Questions à échelle",
                    source=_source(analysis),
                ),
            )
        )
    if not analysis.likert.empty:
        table = analysis.likert.drop(columns=["question"], errors="ignore").rename(
            columns=LIKERT_HEADERS
        )
        display(ctg_display.simple_table(table, caption="Scores moyens"))
    return None


LIKERT_HEADERS = {
    "libelle": "Question",
    "n": "Répondants notés",
    "score_moyen": "Score moyen",
    "echelle": "Échelle",
    "pondere": "Pondéré",
    "exclus": "Exclus du score",
    "note": "Note",
}
NUMERIC_HEADERS = {
    "libelle": "Question",
    "n": "Répondants",
    "moyenne": "Moyenne",
    "mediane": "Médiane",
    "q1": "1er quartile",
    "q3": "3e quartile",
    "min": "Minimum",
    "max": "Maximum",
    "pondere": "Pondéré",
    "non_reponse": "Non-réponses",
    "n_eff": "Taille effective",
}


def numeric(analysis: SurveyAnalysis) -> HTML:
    """Numeric questions: mean, median, quartiles."""
    if analysis.numeric.empty:
        return HTML("<p>Pas de question numérique dans ce questionnaire.</p>")
    table = analysis.numeric.drop(columns=["question"], errors="ignore").rename(
        columns=NUMERIC_HEADERS
    )
    return ctg_display.simple_table(table, caption="Questions numériques")


def crosstabs(analysis: SurveyAnalysis) -> None:
    """Cross-tabs of the key questions by respondent group, with the chi-square test."""
    if not analysis.crosstabs:
        display(HTML("<p>Aucun tableau croisé demandé.</p>"))
        return
    for (question_id, by), crosstab in analysis.crosstabs.items():
        question = analysis.codebook.question(question_id)
        group = analysis.codebook.descriptors[by]
        display(ctg_display.markdown_title(f"{question.label} — selon : {group.label}", level=3))
        shown = crosstab.table.map(lambda v: "s" if pd.isna(v) else fr_percent(v))
        shown.columns.name = None
        shown.index.name = group.label
        display(
            HTML(
                shown.to_html(escape=True, classes="ctg-table")
                + f"<p class='ctg-note'>{html.escape(crosstab.note)}</p>"
            )
        )


def theme_label(theme: str) -> str:
    """A keyword theme in words: the CTG theme's label, else the id made readable."""
    if theme in THEMES:
        return THEMES[theme]
    text = str(theme).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def readable_themes(table: pd.DataFrame) -> pd.DataFrame:
    """The keyword-themes table with French headers and theme labels (no internal ids)."""
    return pd.DataFrame(
        {
            "Thème": [theme_label(t) for t in table["theme"]],
            "Réponses citant le thème": table["effectif"].to_numpy(),
            "Part des réponses (%)": table["pourcentage"].to_numpy(),
            "Réponses libres": table["base"].to_numpy(),
        }
    )


def verbatims(analysis: SurveyAnalysis) -> None:
    """Free-text answers, redacted, with keyword themes."""
    if not analysis.verbatims:
        display(HTML("<p>Pas de question ouverte.</p>"))
        return
    for question_id, table in analysis.verbatims.items():
        question = analysis.codebook.question(question_id)
        display(ctg_display.markdown_title(question.label, level=3))
        if question_id in analysis.themes:
            display(
                ctg_display.simple_table(
                    readable_themes(analysis.themes[question_id]),
                    caption="Thèmes (mots-clés du dictionnaire des questions)",
                )
            )
        items = "".join(f"<li>{html.escape(str(v))}</li>" for v in table["verbatim"])
        display(
            HTML(
                f"<ul class='ctg-verbatims'>{items}</ul><p class='ctg-note'>Verbatims "
                "anonymisés : courriels, téléphones, adresses et noms sont masqués.</p>"
            )
        )


def findings(analysis: SurveyAnalysis) -> HTML:
    """Findings of the survey as French sentences."""
    return ctg_display.findings_list(analysis.findings)


def method(analysis: SurveyAnalysis) -> HTML:
    """Definitions used for the survey's figures."""
    text = [
        "Base des pourcentages : ensemble des répondants retenus pour l'analyse ; les « ne "
        "sait pas » et les non-réponses sont des modalités à part entière (ils sont "
        "affichés, jamais retirés).",
        "Questions à choix multiples : part des répondants ayant coché chaque réponse ; "
        "le total dépasse 100 %.",
        "Intervalles de confiance à 95 % de Wilson, calculés sur la taille effective de "
        "l'échantillon quand les résultats sont pondérés.",
        "Estimations sur moins de 30 répondants signalées ; dans les tableaux croisés, les "
        "cases de moins de 5 répondants sont masquées (« s »), ainsi que, en complément, "
        "d'autres cases choisies pour qu'aucune case masquée ne puisse être retrouvée par "
        "différence avec le total de sa ligne (100 %) ou de sa colonne (tableaux à un "
        "critère) : secret secondaire.",
        "Tableaux croisés : test du khi-deux de Pearson sur les effectifs quand les "
        "résultats ne sont pas pondérés ; test du khi-deux corrigé de Rao-Scott (ordre 1) "
        "sur le tableau pondéré sinon, l'effet de plan étant estimé par celui dû à la "
        "pondération.",
        "Une enquête en ligne à participation volontaire n'est pas un échantillon aléatoire : "
        "le calage ne corrige que les variables de calage.",
    ]
    return ctg_display.vigilance_box([*text, *analysis.notes])


# --------------------------------------------------------------------------- waves


def waves_header(comparison: WaveComparison) -> HTML:
    """Page title, banner, the waves compared and how to read their differences."""
    display(ctg_display.markdown_title(comparison.title, level=1))
    fictional = any(a.fictional for a in comparison.analyses)
    parts = [ctg_display.fictional_banner().data] if fictional else []
    items = "".join(f"<li>{html.escape(line)}</li>" for line in comparison.waves_text())
    universe = comparison.analyses[-1].codebook.survey.universe
    parts.append(
        f"<p>Vagues comparées (population visée{NBSP}: {html.escape(universe)}){NBSP}:</p>"
        f"<ul>{items}</ul>"
        "<p>Pour chaque réponse posée dans les mêmes termes aux deux vagues, la page donne la "
        "part des répondants à chaque vague et l'écart entre les deux, en points de "
        "pourcentage. Ces parts et leurs écarts sont des <strong>estimations</strong>, "
        "données avec leur intervalle de confiance à 95{NBSP}%{NBSP}: un écart dont "
        "l'intervalle contient zéro n'est pas significatif (il peut tenir au hasard de "
        "l'échantillon).</p>".replace("{NBSP}", NBSP)
    )
    return HTML("\n".join(parts))


def waves_findings(comparison: WaveComparison) -> HTML:
    """The largest differences between the last two waves, as French sentences."""
    return ctg_display.findings_list(comparison.findings())


def _share_cell(share: float, low: float, high: float) -> str:
    return (
        f"{fr_number(share, 0)}{NBSP}% ({fr_number(low, 0)}–{fr_number(high, 0)}{NBSP}%)"
        if pd.notna(share)
        else "n.d."
    )


def _difference_cell(diff: float, low: float, high: float, significant: bool) -> str:
    """« −11 (−18 à −3), significatif »."""
    if pd.isna(diff):
        return "n.d."
    verdict = "significatif" if significant else "non significatif"
    return f"{fr_signed(diff, 0)} ({signed_bound(low)} à {signed_bound(high)}), {verdict}"


def _weighted_word(weighted: bool) -> str:
    return "pondérée" if weighted else "non pondérée"


def _wave_table(rows: pd.DataFrame) -> str:
    first = rows.iloc[0]
    y1, y2 = first["annee_1"], first["annee_2"]
    shown = pd.DataFrame(
        {
            "Modalité": rows["modalite"],
            f"Effectif brut {y1} (non pondéré)": rows["effectif_1"].map(fr_int),
            f"Part {_weighted_word(bool(first['pondere_1']))} {y1} (IC 95 %)": [
                _share_cell(*v) for v in zip(rows["part_1"], rows["ic_bas_1"], rows["ic_haut_1"])
            ],
            f"Effectif brut {y2} (non pondéré)": rows["effectif_2"].map(fr_int),
            f"Part {_weighted_word(bool(first['pondere_2']))} {y2} (IC 95 %)": [
                _share_cell(*v) for v in zip(rows["part_2"], rows["ic_bas_2"], rows["ic_haut_2"])
            ],
            "Écart en points (IC 95 %)": [
                _difference_cell(d, a, b, bool(sig))
                for d, a, b, sig in zip(
                    rows["ecart_points"],
                    rows["ic_ecart_bas"],
                    rows["ic_ecart_haut"],
                    rows["significatif"],
                )
            ],
        }
    )
    notes = sorted({a for a in rows["alerte"] if a})
    return ctg_display.simple_table(shown, notes=[n[:1].upper() + n[1:] + "." for n in notes]).data


def waves_results(comparison: WaveComparison) -> None:
    """The chart of the main differences, then every comparable question's table."""
    last = comparison.pairs[-1]
    if last.empty:
        display(HTML("<p>Aucune question commune aux deux vagues.</p>"))
        return
    analysis = comparison.analyses[-1]
    top = main_differences(last, profile=comparison.profile).head(10)
    y1, y2 = int(last.iloc[0]["annee_1"]), int(last.iloc[0]["annee_2"])
    display(
        _figure(
            analysis,
            survey_charts.wave_differences(
                top,
                title=f"Principaux écarts entre {y1} et {y2}",
                source=f"Source{NBSP}: {analysis.codebook.survey.title}, vagues {y1} et {y2}",
                note="Pour chaque question, la réponse dont la part a le plus changé ; "
                "intervalles de confiance à 95 % de l'écart.",
            ),
        )
    )
    profile = set(comparison.profile)
    for pair in comparison.pairs:
        groups = list(pair.groupby("question", sort=False))
        opinions = [g for g in groups if g[0] not in profile]
        described = [g for g in groups if g[0] in profile]
        for _, rows in opinions:
            display(ctg_display.markdown_title(str(rows.iloc[0]["libelle_question"]), level=3))
            display(HTML(_wave_table(rows)))
        if described:
            display(ctg_display.markdown_title("Profil des répondants", level=3))
            display(
                HTML(
                    "<p class='ctg-note'>Questions qui décrivent les répondants : un écart "
                    "y dit qui a répondu, pas une évolution d'opinion. Les parts pondérées "
                    "des variables de calage (âge, sexe…) reproduisent la population du "
                    "territoire à chaque vague.</p>"
                )
            )
            for _, rows in described:
                display(ctg_display.markdown_title(str(rows.iloc[0]["libelle_question"]), level=4))
                display(HTML(_wave_table(rows)))


def waves_method(comparison: WaveComparison) -> HTML:
    """How the differences are computed, and the cautions."""
    text = [
        "Seules les questions et réponses identiques aux deux vagues (même question du "
        "questionnaire, même réponse) sont comparées.",
        "Les deux vagues interrogent des personnes différentes, à des années d'écart : ce "
        "sont deux échantillons indépendants. L'intervalle de confiance à 95 % de l'écart "
        "combine la précision des deux vagues (méthode de Newcombe, à partir des "
        "intervalles de Wilson de chaque vague, calculés sur la taille effective quand les "
        "résultats sont pondérés).",
        "Un écart est dit significatif quand son intervalle ne contient pas zéro.",
        "Effectif brut : nombre de répondants, non pondéré ; part pondérée : part estimée "
        "après pondération sur la structure de la population du territoire (calage sur le "
        "recensement) ; part non pondérée : part des répondants.",
        "Estimations sur moins de 30 répondants signalées.",
        "Une enquête en ligne à participation volontaire n'est pas un échantillon "
        "aléatoire : un écart peut aussi venir d'un changement dans le profil des personnes "
        "qui ont répondu.",
    ]
    unweighted = [a.spec.readable_title for a in comparison.analyses if not a.weighted]
    if unweighted:
        text.append("Résultats non pondérés pour : " + ", ".join(unweighted) + ".")
    notes = list(dict.fromkeys(n for a in comparison.analyses for n in a.notes[:1]))
    return ctg_display.vigilance_box([*text, *notes])
