"""Redaction of personal data in free text, and respondent-free verbatims (rule 15)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ctgstats.surveys.codebook import parse_codebook
from ctgstats.surveys.model import (
    ANSWER_COLUMNS,
    NON_RESPONSE,
    RESPONDENT_COLUMNS,
    SurveyData,
)
from ctgstats.surveys.redact import (
    NO_THEME,
    THEMES_COLUMNS,
    VERBATIM_COLUMNS,
    redact,
    theme_matches,
    themes_table,
    verbatims,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        # e-mails
        ("Contactez-moi : jean.dupont@gmail.com merci", "Contactez-moi : [courriel] merci"),
        ("mon mail marie-claire.durand+asso@orange.fr.", "mon mail [courriel]."),
        ("écrire à jean [at] free.fr", "écrire à [courriel]"),
        ("CONTACT@MAIRIE-VILLE.FR", "[courriel]"),
        # phones, every usual writing
        ("Appelez le 06 12 34 56 78", "Appelez le [téléphone]"),
        ("tél. 06.12.34.56.78", "tél. [téléphone]"),
        ("tel:0612345678", "tel:[téléphone]"),
        ("+33 6 12 34 56 78 ou +33 (0)6 12 34 56 78", "[téléphone] ou [téléphone]"),
        ("+33612345678", "[téléphone]"),
        ("0033 6 12 34 56 78", "[téléphone]"),
        ("fixe : 04-76-12-34-56", "fixe : [téléphone]"),
        ("(09 87 65 43 21)", "([téléphone])"),
        # links
        ("Voir https://www.exemple.fr/page?x=1. Merci", "Voir [lien]. Merci"),
        ("le site www.mairie-truc.fr est mal fait", "le site [lien] est mal fait"),
        ("la page facebook.com/groupe-parents, vraiment", "la page [lien], vraiment"),
        ("http://example.org", "[lien]"),
        # addresses
        ("J'habite au 12 rue des Lilas depuis 2015.", "J'habite au [adresse] depuis 2015."),
        ("12 rue des Lilas, 38000 Grenoble : trop de bruit", "[adresse] : trop de bruit"),
        ("au 3 bis avenue Jean Jaurès il y a des travaux", "au [adresse] il y a des travaux"),
        ("5, impasse du Moulin n'est pas éclairée", "[adresse] n'est pas éclairée"),
        ("nous habitons 12 rue de la gare depuis 3 ans", "nous habitons [adresse] depuis 3 ans"),
        ("au 7 chemin de l'Église", "au [adresse]"),
        ("2 allée des Peupliers", "[adresse]"),
        ("14 boulevard Gambetta", "[adresse]"),
        ("Rendez-vous au 1 place de la Mairie.", "Rendez-vous au [adresse]."),
        ("18 route de Lyon, c'est dangereux", "[adresse], c'est dangereux"),
        ("12 rue du 8 Mai 1945", "[adresse]"),
        ("Au lieu-dit Les Granges, le bus ne passe pas.", "Au [adresse], le bus ne passe pas."),
        ("au lieu-dit la Croix Blanche", "au [adresse]"),
        # names after a civility (the civility is kept) or an introduction
        ("Mme Durand est très gentille", "Mme [nom] est très gentille"),
        ("merci à M. Jean-Pierre Martin", "merci à M. [nom]"),
        ("Madame DURAND et Monsieur Le Gall", "Madame [nom] et Monsieur [nom]"),
        ("Mlle Sophie et le Dr Lefèvre", "Mlle [nom] et le Dr [nom]"),
        ("Maître Dubois nous a aidés", "Maître [nom] nous a aidés"),
        (
            "Je m'appelle Sophie Martin, maman de 3 enfants",
            "Je m'appelle [nom], maman de 3 enfants",
        ),
        ("je suis Paul et je vis seul", "je suis [nom] et je vis seul"),
        ("Mon nom est Karim B.", "Mon nom est [nom]"),
    ],
)
def test_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "En 2022 le centre social a fermé l'été.",
        "J'ai 3 enfants de 4, 7 et 12 ans.",
        "La cantine coûte 150 € par mois, soit 1 800 € par an.",
        "la rue est dangereuse le soir",
        "La rue Victor Hugo manque de passages piétons.",
        "Il manque 2 places en crèche et 3 cours de danse.",
        "J'ai demandé 1 place de crèche en 2021.",
        "Le bus 12 passe toutes les 30 minutes (ligne 3).",
        "Monsieur le Maire devrait venir.",
        "je suis maman solo depuis 2019",
        "Le 12/05/2023 à 14h30, j'ai appelé le 3949.",
        "Note 4/5, 80 % satisfaite.",
        "C'était trop cher.Merci pour tout.Info utile.",
        "Le numéro vert 0 800 123 456 ne répond pas.",
        "Code postal 38000, commune de 12 000 habitants.",
        "Les routes sont mal entretenues ; 3 rues sans trottoir.",
    ],
)
def test_not_redacted(text):
    assert redact(text) == text


def test_extra_terms_whole_word_case_and_accent_insensitive():
    text = "Le centre de Saint-Étienne-de-Crossey est loin ; SAINT ETIENNE DE CROSSEY aussi."
    assert (
        redact(text, extra_terms=["Saint-Étienne-de-Crossey"])
        == "Le centre de [nom] est loin ; [nom] aussi."
    )
    # whole words only: "Pierre" does not touch "Pierrefeu" or "pierres"
    assert (
        redact("Pierre habite Pierrefeu, il y a des pierres", extra_terms=["pierre"])
        == "[nom] habite Pierrefeu, il y a des pierres"
    )
    assert (
        redact("Au Cœur du village, au coeur du bourg", extra_terms=["Coeur"])
        == "Au [nom] du village, au [nom] du bourg"
    )
    assert (
        redact("la directrice Mme X et Ginette", extra_terms=["ginette", " "])
        == "la directrice Mme X et [nom]"
    )


def test_several_kinds_in_one_answer():
    text = (
        "Bonjour, je m'appelle Julie Moreau, j'habite 4 impasse des Acacias, "
        "joignable au 07 81 22 33 44 ou julie.moreau@laposte.net."
    )
    assert redact(text) == (
        "Bonjour, je m'appelle [nom], j'habite [adresse], joignable au [téléphone] ou [courriel]."
    )


def test_empty_or_missing_text():
    assert redact("") == ""
    assert redact("   ") == "   "
    assert redact(None) == ""  # type: ignore[arg-type]


# --------------------------------------------------------------------------- verbatims

CODEBOOK = parse_codebook(
    {
        "survey": {"id": "habitants", "title": "Enquête", "redact_terms": ["Ginette"]},
        "questions": [
            {
                "id": "remarques",
                "label": "Vos remarques",
                "type": "text",
                "themes": {
                    "mobilite": ["bus", "transport", "voiture"],
                    "enfance": ["ecole", "crèche", "enfant"],
                },
            },
            {
                "id": "sexe",
                "label": "Sexe",
                "type": "single",
                "options": [{"code": "H", "label": "Homme"}, {"code": "F", "label": "Femme"}],
            },
        ],
    }
)

TEXTS = {
    "r1": "Pas assez de Bus le dimanche, appelez-moi au 06 12 34 56 78",
    "r2": "L'École est trop loin en voiture",
    "r3": "",  # blank: not a verbatim
    "r4": "Merci à Ginette de l'accueil",
    "r5": "Trop de transports scolaires ratés : mes enfants arrivent en retard",
    "r6": "excluded respondent's text with jean@x.fr",
    "r7": "   ",
}


def _survey() -> SurveyData:
    ids = [f"r{i}" for i in range(1, 9)]
    respondents = pd.DataFrame(
        {
            "respondent_id": ids,
            "row": range(2, 10),
            "submitted_at": "",
            "complete": True,
            "included": [rid != "r6" for rid in ids],
            "exclusion": ["doublon" if rid == "r6" else "" for rid in ids],
        }
    )
    answers = [(rid, "remarques", "", np.nan, text) for rid, text in TEXTS.items()]
    answers.append(("r8", "remarques", NON_RESPONSE, np.nan, ""))
    return SurveyData(
        survey_id="habitants",
        source="x.csv",
        format="csv",
        respondents=respondents[RESPONDENT_COLUMNS],
        answers=pd.DataFrame(answers, columns=ANSWER_COLUMNS),
        quality=pd.DataFrame(),
    )


def test_verbatims_are_redacted_respondent_free_and_sorted():
    table = verbatims(_survey(), CODEBOOK, question="remarques")
    assert list(table.columns) == VERBATIM_COLUMNS  # no respondent id, no row number
    assert table.index.tolist() == list(range(len(table)))
    assert table["verbatim"].tolist() == [
        "L'École est trop loin en voiture",
        "Merci à [nom] de l'accueil",
        "Pas assez de Bus le dimanche, appelez-moi au [téléphone]",
        "Trop de transports scolaires ratés : mes enfants arrivent en retard",
    ]
    assert table["themes"].tolist() == ["mobilite, enfance", "", "mobilite", "mobilite, enfance"]
    assert set(table["question"]) == {"remarques"}
    assert not table["verbatim"].str.contains("jean@x.fr").any()  # excluded respondent


def test_theme_matching_is_word_start_accent_and_case_insensitive():
    themes = {"mobilite": ["bus", "car"], "enfance": ["ecole"]}
    assert theme_matches("Les BUS et l'École", themes) == ["mobilite", "enfance"]
    assert theme_matches("un écart, un abus", themes) == []  # not inside a word
    assert theme_matches("les cars scolaires", themes) == ["mobilite"]  # word start
    assert theme_matches("rien", None) == []


def test_themes_table_counts():
    table = themes_table(_survey(), CODEBOOK, question="remarques")
    assert list(table.columns) == THEMES_COLUMNS
    counts = table.set_index("theme")
    assert counts["effectif"].to_dict() == {"mobilite": 3, "enfance": 2, NO_THEME: 1}
    assert counts.loc["mobilite", "pourcentage"] == pytest.approx(75)
    assert set(counts["base"]) == {4}


def test_verbatims_of_a_non_text_question_is_an_error():
    with pytest.raises(ValueError, match="not a text question"):
        verbatims(_survey(), CODEBOOK, question="sexe")
