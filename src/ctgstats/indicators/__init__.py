"""Indicators over time: the T0 of a CTG (or a Pacte local des solidarités) and its follow-up.

A convention territoriale globale (CTG) is signed on a diagnostic at T0 and evaluated about
three years later: each action sheet (fiche action) has indicators with a T0 value and a
target. This package holds:

:mod:`~ctgstats.data.registry`
    The registry of indicators (``ctgstats/data/indicateurs.yaml`` plus the analyst's own
    YAML files): French label and definition, unit, source and its frequency, census
    exploitation, formula, minimum comparable gap, polarity (which way is good) and CTG
    themes. It generates the glossary of every report and the definition hash that tells
    whether a definition changed between T0 and T+n.
:mod:`~ctgstats.indicators.usertables`
    The reader of the analyst's local data tables (CAF, PMI, services' activity) in the
    documented template ``ctgstats/data/modele_table_indicateurs.csv``; every bad row is
    reported with its line number, column and value.
:mod:`~ctgstats.indicators.evaluation`
    The status of an indicator at T+n against its T0 and its target (*atteint*, *en bonne
    voie*, *pas d'évolution significative*, *en recul*, *non mesurable*), with the
    census comparability rule (methodology rule 16) and Newcombe's interval for survey
    proportions.
:mod:`~ctgstats.indicators.measures`, :mod:`~ctgstats.indicators.baseline`,
:mod:`~ctgstats.indicators.followup`, :mod:`~ctgstats.indicators.views`,
:mod:`~ctgstats.indicators.charts`
    Current measures from every source, the frozen T0 (methodology rule 17), the
    follow-up dashboard and what ``notebooks/04_indicateurs.ipynb`` shows.
"""
