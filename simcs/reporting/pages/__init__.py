"""The report's pages, one builder per kind of result folder (run, experiment, sweep, sizing,
robustness, allocation): each reads its folder through `simcs.reporting.results` and returns a
`Page` (title, headlines in plain words, figures, tables, method), which
`simcs.reporting.report.build_report` renders as one offline HTML file.

Numbers are written by the metric catalogue's rules (`numbers`); result scopes (service tiers,
customer groups `group:NAME`, `all`) by the scenario's own labels (`common.tier_labels`); what a
comparison of segmentation policies needs said by `policy`.
"""
