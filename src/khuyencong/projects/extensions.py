"""What apps above projects add to its pages (see ``core/extensions.py``)."""

from khuyencong.core.extensions import ExtensionPoint

# A project's page, its results: ``provider(project, scope) -> dict`` gives, per indicator id, what
# the project's approved reports achieved. The reporting engine answers with its own figure (the
# last value of a running total, the sum of a flow), so the page and every report agree.
ACHIEVED_RESULTS = ExtensionPoint("projects.achieved_results")

# The money ledger as it is written: ``provider(entries)`` with the entries of one movement
# (``services.ledger.record``) or of many (``services.batch``), inside the writing transaction – the
# reporting app keeps its summary of the ledger from them.
LEDGER_WRITTEN = ExtensionPoint("projects.ledger_written")

# Facts written or removed in bulk, around the services (the synthetic dataset): ``provider()``
# once they are, so that what is derived from them is computed again.
FACTS_REWRITTEN = ExtensionPoint("projects.facts_rewritten")

# A project's status written in bulk (``Project.objects.update(status=…)``, ``services.batch``):
# ``provider({project id: (status before, status after)})``, inside the writing transaction. (A status
# saved with the project sends Django's ``pre_save``/``post_save`` signals, which the same apps listen
# to.)
STATUS_CHANGED = ExtensionPoint("projects.status_changed")
