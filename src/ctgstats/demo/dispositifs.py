"""Fictional inventory of the demo's dispositifs (``dispositifs/inventaire_dispositifs.csv``).

Fifteen invented schemes of the CC du Haut-Val fictif (EPCI ``000000101``), in the layout
of the template (:mod:`ctgstats.portrait.dispositifs.template`): ``;``, UTF-8 with BOM,
CRLF, lists in a cell separated by commas, data·inclusion codes (schema 1.0.8). Written
by hand, no random draw: the story is that early childhood and youth are concentrated in
the valley communes (the mountain communes ``00008``, ``00009``, ``00016``, ``00017`` have
no childcare scheme), while access to rights and employment cover the whole EPCI. Every
name and figure is FICTIONAL.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ctgstats.demo import write_files
from ctgstats.demo.generate import CommuneData

__all__ = ["COLUMNS", "FILE", "ROWS", "write"]

FILE = "dispositifs/inventaire_dispositifs.csv"
"""Path of the inventory inside the demo data folder."""

#: Columns of the template, in order (``ctgstats.portrait.dispositifs.read.COLUMNS``:
#: the demo sits below the portrait layer; a test checks that they agree).
COLUMNS = (
    "nom",
    "porteur",
    "reseaux_porteurs",
    "partenaires",
    "publics",
    "theme_ctg",
    "thematiques",
    "zone_eligibilite",
    "financeurs",
    "budget_annuel_euros",
    "capacite",
    "unite_capacite",
    "couverture_besoins",
    "difficultes",
    "pistes_evolution",
)

_VALLEY = "00001, 00002, 00003, 00004, 00005, 00010, 00011, 00012"

#: The dispositifs, one dict per line (columns of the template; missing = blank).
ROWS: tuple[dict[str, str], ...] = (
    {
        "nom": "Multi-accueil Les Petits Fictifs",
        "porteur": "CC du Haut-Val fictif",
        "reseaux_porteurs": "communes",
        "partenaires": "CAF fictive du Val-d'Exemple",
        "publics": "familles",
        "theme_ctg": "petite_enfance",
        "thematiques": "famille--garde-denfants",
        "zone_eligibilite": _VALLEY,
        "financeurs": "CAF (prestation de service unique), CC du Haut-Val fictif",
        "budget_annuel_euros": "410000",
        "capacite": "24",
        "unite_capacite": "places",
        "couverture_besoins": "partielle",
        "difficultes": "Liste d'attente de 15 familles à la rentrée",
        "pistes_evolution": "Étendre les horaires du soir",
    },
    {
        "nom": "Micro-crèche du Col",
        "porteur": "Association Les Marmots fictifs",
        "reseaux_porteurs": "",
        "partenaires": "CC du Haut-Val fictif",
        "publics": "familles",
        "theme_ctg": "petite_enfance",
        "thematiques": "famille--garde-denfants",
        "zone_eligibilite": "00006, 00007, 00014, 00015",
        "financeurs": "CAF (PAJE), familles",
        "budget_annuel_euros": "120000",
        "capacite": "7",
        "unite_capacite": "places",
        "couverture_besoins": "insuffisante",
        "difficultes": "Recrutement d'auxiliaires de puériculture",
        "pistes_evolution": "",
    },
    {
        "nom": "Relais petite enfance du Haut-Val",
        "porteur": "CC du Haut-Val fictif",
        "reseaux_porteurs": "communes",
        "partenaires": "PMI du département fictif",
        "publics": "familles",
        "theme_ctg": "petite_enfance, parentalite",
        "thematiques": "famille--garde-denfants, famille--soutien-a-la-parentalite-et-a-leducation",
        "zone_eligibilite": _VALLEY + ", 00006, 00007, 00014, 00015",
        "financeurs": "CAF, CC du Haut-Val fictif",
        "budget_annuel_euros": "65000",
        "capacite": "",
        "unite_capacite": "",
        "couverture_besoins": "satisfaisante",
        "difficultes": "",
        "pistes_evolution": "Permanences itinérantes dans les communes de montagne",
    },
    {
        "nom": "Lieu d'accueil enfants-parents La Cabane",
        "porteur": "Centre social fictif de Montfictif",
        "reseaux_porteurs": "fcsf",
        "partenaires": "CAF",
        "publics": "familles",
        "theme_ctg": "parentalite",
        "thematiques": "famille--soutien-a-la-parentalite-et-a-leducation",
        "zone_eligibilite": "00001, 00002, 00003",
        "financeurs": "CAF (REAAP)",
        "budget_annuel_euros": "18000",
        "capacite": "12",
        "unite_capacite": "familles par séance",
        "couverture_besoins": "partielle",
        "difficultes": "Peu connu des familles monoparentales",
        "pistes_evolution": "",
    },
    {
        "nom": "Accueil de loisirs intercommunal",
        "porteur": "CC du Haut-Val fictif",
        "reseaux_porteurs": "communes",
        "partenaires": "Écoles du territoire",
        "publics": "familles, jeunes",
        "theme_ctg": "enfance_jeunesse",
        "thematiques": "remobilisation--activites-sportives-et-culturelles",
        "zone_eligibilite": "000000101",
        "financeurs": "CAF (prestation de service ALSH), CC du Haut-Val fictif",
        "budget_annuel_euros": "230000",
        "capacite": "80",
        "unite_capacite": "places",
        "couverture_besoins": "satisfaisante",
        "difficultes": "Transport des enfants des hameaux",
        "pistes_evolution": "",
    },
    {
        "nom": "Point information jeunesse",
        "porteur": "Commune fictive de Montfictif-les-Bains",
        "reseaux_porteurs": "reseau-information-jeunesse",
        "partenaires": "Mission locale fictive",
        "publics": "jeunes",
        "theme_ctg": "enfance_jeunesse",
        "thematiques": "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
        "zone_eligibilite": "00001, 00002, 00010, 00011",
        "financeurs": "Commune, État",
        "budget_annuel_euros": "42000",
        "capacite": "",
        "unite_capacite": "",
        "couverture_besoins": "partielle",
        "difficultes": "",
        "pistes_evolution": "Une permanence mensuelle à Saint-Fictif",
    },
    {
        "nom": "Antenne de la mission locale",
        "porteur": "Mission locale fictive du Val-d'Exemple",
        "reseaux_porteurs": "mission-locale",
        "partenaires": "France Travail",
        "publics": "jeunes, demandeurs-emploi",
        "theme_ctg": "enfance_jeunesse, emploi_insertion",
        "thematiques": "trouver-un-emploi--repondre-a-des-offres-demploi, se-former--trouver-sa-formation",
        "zone_eligibilite": "000000101",
        "financeurs": "État, Région fictive, CC du Haut-Val fictif",
        "budget_annuel_euros": "95000",
        "capacite": "150",
        "unite_capacite": "jeunes suivis par an",
        "couverture_besoins": "partielle",
        "difficultes": "Jeunes des communes isolées peu accompagnés (mobilité)",
        "pistes_evolution": "Aide au permis de conduire",
    },
    {
        "nom": "Chantier d'insertion Sentiers et patrimoine",
        "porteur": "Association Val'Insertion fictive",
        "reseaux_porteurs": "aci",
        "partenaires": "Département fictif, France Travail",
        "publics": "beneficiaires-des-minimas-sociaux, demandeurs-emploi",
        "theme_ctg": "emploi_insertion",
        "thematiques": "trouver-un-emploi--maintien-dans-lemploi",
        "zone_eligibilite": "000000101",
        "financeurs": "État (aide aux postes), Département fictif",
        "budget_annuel_euros": "310000",
        "capacite": "12",
        "unite_capacite": "postes en insertion",
        "couverture_besoins": "satisfaisante",
        "difficultes": "",
        "pistes_evolution": "",
    },
    {
        "nom": "Maison France services du Haut-Val",
        "porteur": "CC du Haut-Val fictif",
        "reseaux_porteurs": "france-service",
        "partenaires": "CAF, CPAM, MSA, France Travail, impôts",
        "publics": "tous-publics",
        "theme_ctg": "acces_aux_droits",
        "thematiques": "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
        "zone_eligibilite": "000000101",
        "financeurs": "État (fonds national France services), CC du Haut-Val fictif",
        "budget_annuel_euros": "110000",
        "capacite": "",
        "unite_capacite": "",
        "couverture_besoins": "partielle",
        "difficultes": "Une seule implantation, à Montfictif-les-Bains",
        "pistes_evolution": "Un bus France services dans les communes de montagne",
    },
    {
        "nom": "Conseiller numérique itinérant",
        "porteur": "CC du Haut-Val fictif",
        "reseaux_porteurs": "conseillers-numeriques",
        "partenaires": "Médiathèques",
        "publics": "tous-publics, seniors",
        "theme_ctg": "acces_aux_droits",
        "thematiques": "numerique--maitriser-les-fondamentaux-du-numerique",
        "zone_eligibilite": "00001, 00003, 00005, 00006, 00008, 00011, 00014, 00017",
        "financeurs": "État",
        "budget_annuel_euros": "38000",
        "capacite": "",
        "unite_capacite": "",
        "couverture_besoins": "non_evaluee",
        "difficultes": "",
        "pistes_evolution": "",
    },
    {
        "nom": "Point conseil budget",
        "porteur": "UDAF fictive du Val-d'Exemple",
        "reseaux_porteurs": "points-conseil-budget",
        "partenaires": "CCAS",
        "publics": "tous-publics",
        "theme_ctg": "acces_aux_droits",
        "thematiques": "difficultes-financieres--situation-dendettement-surendettement",
        "zone_eligibilite": "00",
        "financeurs": "État",
        "budget_annuel_euros": "",
        "capacite": "",
        "unite_capacite": "",
        "couverture_besoins": "non_evaluee",
        "difficultes": "",
        "pistes_evolution": "",
    },
    {
        "nom": "Aide à l'amélioration de l'habitat (OPAH)",
        "porteur": "CC du Haut-Val fictif",
        "reseaux_porteurs": "communes",
        "partenaires": "Anah, opérateur fictif",
        "publics": "tous-publics",
        "theme_ctg": "logement, seniors",
        "thematiques": "logement-hebergement--se-maintenir-dans-le-logement",
        "zone_eligibilite": "000000101",
        "financeurs": "Anah, CC du Haut-Val fictif",
        "budget_annuel_euros": "250000",
        "capacite": "40",
        "unite_capacite": "logements par an",
        "couverture_besoins": "partielle",
        "difficultes": "Propriétaires âgés peu informés",
        "pistes_evolution": "",
    },
    {
        "nom": "Résidence autonomie Les Mélèzes",
        "porteur": "CCAS fictif de Saint-Fictif",
        "reseaux_porteurs": "ccas-cias",
        "partenaires": "Département fictif",
        "publics": "seniors",
        "theme_ctg": "seniors, logement",
        "thematiques": "famille--prise-en-charge-personne-dependante",
        "zone_eligibilite": "00002",
        "financeurs": "Département fictif (forfait autonomie), résidents",
        "budget_annuel_euros": "520000",
        "capacite": "30",
        "unite_capacite": "logements",
        "couverture_besoins": "insuffisante",
        "difficultes": "Liste d'attente",
        "pistes_evolution": "Extension de 10 logements",
    },
    {
        "nom": "Portage de repas à domicile",
        "porteur": "CIAS fictif du Haut-Val",
        "reseaux_porteurs": "ccas-cias",
        "partenaires": "",
        "publics": "seniors, personnes-en-situation-de-handicap",
        "theme_ctg": "seniors, handicap",
        "thematiques": "equipement-et-alimentation--alimentation",
        "zone_eligibilite": "000000101",
        "financeurs": "CIAS, bénéficiaires",
        "budget_annuel_euros": "85000",
        "capacite": "60",
        "unite_capacite": "bénéficiaires",
        "couverture_besoins": "satisfaisante",
        "difficultes": "",
        "pistes_evolution": "",
    },
    {
        "nom": "Espace de vie sociale du Plateau",
        "porteur": "Association Le Plateau fictif",
        "reseaux_porteurs": "fcsf",
        "partenaires": "CAF, communes",
        "publics": "tous-publics",
        "theme_ctg": "animation_vie_sociale",
        "thematiques": "remobilisation--lien-social",
        "zone_eligibilite": "00006, 00007, 00008, 00009",
        "financeurs": "CAF (animation locale)",
        "budget_annuel_euros": "48000",
        "capacite": "",
        "unite_capacite": "",
        "couverture_besoins": "partielle",
        "difficultes": "Bénévoles peu nombreux",
        "pistes_evolution": "",
    },
)


def _cell(text: str) -> str:
    return f'"{text}"' if any(ch in text for ch in ';"\n') else text


def inventory_bytes() -> bytes:
    """The demo inventory as the template's CSV (``;``, UTF-8 BOM, CRLF)."""
    lines = [";".join(COLUMNS)]
    lines += [";".join(_cell(row.get(name, "")) for name in COLUMNS) for row in ROWS]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def write(output_dir: Path, seed: int, data: Sequence[CommuneData]) -> list[Path]:  # noqa: ARG001
    """Write the fictional inventory (no random draw: ``seed`` and ``data`` unused)."""
    folder = Path(output_dir) / Path(FILE).parent
    return write_files(folder, {Path(FILE).name: inventory_bytes()})
