"""What apps above reporting give to its engine (see ``core/extensions.py``)."""

from khuyencong.core.extensions import ExtensionPoint

# The approved values of the provinces' periodic reports (the ``periodic`` app answers):
# ``provider(scope, codes, on) -> iterable of dicts`` with ``report`` (id), ``province`` (id, as it
# was), ``period_start``, ``period_end``, ``code`` (the form field's code), ``number``, ``flag`` and
# ``text`` – one per value of a field in ``codes`` of a report the scope may read that was approved
# (on ``on``, if given: approved that day). Which reports count is the periodic app's rule; how
# their values add up is the engine's (``measures.py``: FLOW, STOCK, YES, BAND, TEXT).
PERIODIC_VALUES = ExtensionPoint("reporting.periodic_values")
