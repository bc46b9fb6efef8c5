"""The app's signals (blinker, Flask's own dependency), declared once here.

A sender announces something without importing the features that care; each feature connects its receiver from
its own package, so the dependency runs from the feature to the sender and never back.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: The placement page is being drawn: ``placement_page.send(placement, user=user, today=today)``. Each feature
#: that shows something on the page answers with a dict of the template variables it contributes, so that the
#: placements package composes its page without importing the features it shows.
placement_page = _signals.signal("placement-page")
