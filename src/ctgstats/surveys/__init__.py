"""Surveys of residents and elected officials: import, weighting, estimates, report.

Modules
-------
model
    The tidy data every adapter produces and every estimate consumes (the contract).
codebook
    The YAML codebook (validated like params).
draft
    Drafting a codebook from an export, for the analyst to edit.
adapters
    Readers of LimeSurvey, Google Forms, KoboToolbox and plain CSV/XLSX exports.
quality
    The data-quality table: duplicates, incomplete questionnaires, answers outside the
    codebook, respondents outside the territory — counted and shown, never dropped silently.
weighting
    Raking (calage) on census margins, bounded/trimmed weights, Kish n_eff, design effect.
estimates
    Weighted percentages with Wilson intervals on n_eff, multiple choice, numeric
    summaries, cross-tabs with chi-square, Likert scores.
redact
    Removal of personal identifiers from free-text answers.
"""
