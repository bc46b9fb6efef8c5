"""What one part of apdocs tells the others, without importing them: blinker signals, declared once here.

The documents engine must not know which features care that a document was asked for or made; a feature
subscribes to the signal in its own package, in a module listed in ``service.app.JOB_MODULES`` or
``service.app.PAGE_PARTS``: the app factory's module imports them, so the web process and the worker have the
same receivers (a module not listed there is never imported, and its receiver never runs). Receivers are called
in the order they were connected, in the sender's thread and app context; an exception in one reaches the sender.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

document_requested = _signals.signal(
    "document-requested",
    doc="""A new version of a document was asked for, before its context is fixed.

    Sent by ``service.documents.services.request_document`` inside the requester's transaction, with the
    placement as sender and ``user`` (or None) and ``doc_type`` as keyword arguments. Receivers may change the
    database in that same transaction (the requester commits): signing cancels an open round of signatures
    when the AP Support Plan changes. They must not commit, nor enqueue but through
    ``service.queue.enqueue_after_commit``.
    """,
)

document_ready = _signals.signal(
    "document-ready",
    doc="""A document was made and is ready (its PDF exists, and is sealed if it is a signed copy).

    Sent by the ``produce_document`` job (``service.documents.jobs``) in the worker, inside the job's app context,
    with the ready ``Document`` as sender. Receivers do their own work and commit it themselves, enqueueing what
    follows with ``service.queue.enqueue_after_commit``: the emails waiting for the PDF go (mail), a changed
    plan's signers are asked again and the signed plan goes to the parents (signing).
    """,
)

placement_page = _signals.signal(
    "placement-page",
    doc="""The placement page is being drawn: ``placement_page.send(placement, user=user, today=today)``.

    Sent by ``service.placements.views.show_placement``. Each feature that shows something on the page answers
    with a dict of the template variables it contributes, so that the placements package composes its page
    without importing the features it shows. Receivers only read.
    """,
)

pupil_page = _signals.signal(
    "pupil-page",
    doc="""A pupil's page is being drawn: ``pupil_page.send(pupil, user=user)``.

    Sent by ``service.pupils.views.show_pupil`` after the viewing is audited. A feature that shows something about
    the pupil answers with a dict of the template variables it contributes (placements: the pupil's placements in
    the user's organisation), so the pupils package never imports the features built on it. Receivers only read.
    """,
)

provider_changed = _signals.signal(
    "provider-changed",
    doc="""A provider's record was changed: ``provider_changed.send(provider, user=user, detail=detail)``.

    Sent by ``service.providers.services.update_provider`` inside the editor's transaction, after the editor's own
    audit event; ``detail`` names the fields changed (never their values). Receivers may add rows to that
    transaction and must not commit: placements records a ``provider_changed`` audit event for every other
    organisation with live placements there, so each hears of a change to a provider it relies on.
    """,
)

sealing_document = _signals.signal(
    "sealing-document",
    doc="""A sealed document (``Document.sealed``: the signed copy of a plan) is about to be made: who seals it?

    Sent by ``service.documents.services.produce`` in the worker (or the command line), before the template is
    filled in, with the ``Document`` as sender. A receiver that seals documents of this kind answers with an object
    with two methods (``service.documents.services.Sealer``): ``certify(docx: bytes) -> bytes``, called on the
    filled-in DOCX before conversion (signing appends the certificate of completion), and ``seal(pdf: bytes) ->
    bytes``, called on the converted PDF/A (signing seals it with the organisation's certificate); either raises
    ``RenderError`` with a reason a person can read. Other receivers answer None. With no sealer the document
    fails ("nothing in apdocs can seal it"): a sealed document is never made unsealed. Receivers only read.
    """,
)

provider_documents = _signals.signal(
    "provider-documents",
    doc="""Which documents besides the provider information pack may provider staff open?

    Sent by ``service.documents.services`` each time it lists or opens documents for provider staff, with the
    ``Document`` model as sender. Each receiver answers with a SQL condition on ``Document`` (a
    ``sqlalchemy.ColumnElement[bool]``) naming documents provider staff may open, or None: signing answers the AP
    Support Plan versions in one of its rounds of signatures and their signed copies (docs/access.md). The
    conditions are joined with OR; with none, provider staff open only the pack. Receivers only read.
    """,
)
