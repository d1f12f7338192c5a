"""What apps above projects add to its pages (see ``core/extensions.py``)."""

from khuyencong.core.extensions import ExtensionPoint

# A project's page, its results: ``provider(project, scope) -> dict`` gives, per indicator id, what
# the project's approved reports achieved. The reporting engine answers with its own figure (the
# last value of a running total, the sum of a flow), so the page and every report agree.
ACHIEVED_RESULTS = ExtensionPoint("projects.achieved_results")
