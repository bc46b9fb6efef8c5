"""Producing documents: snapshot what was asked for, render it, convert it, store it as a new version.

The work is split in two so that it can run in the background: ``request_document`` runs in the
request that asked (it fixes the context and the template, so what the user saw is what gets
produced, and commits a queued row); ``produce`` renders and converts that row, later, anywhere
(a background worker, or the CLI). ``produce`` never leaves a document in progress: it ends ready,
or failed with a reason a person can read, and a failed document can be produced again.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import secrets
import shutil
import tempfile
import traceback
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa

from service.audit import services as audit
from service.auth.models import User
from service.db import utcnow
from service.documents import word_templates
from service.documents.engine.converter import ConversionFailed, ConverterPool
from service.documents.engine.converter.settings import DISK_FULL
from service.documents.engine.render_pool import shared_pool
from service.documents.engine.rendering import Renderer, RenderError
from service.documents.kinds import KINDS, MadeFrom
from service.documents.models import Document, DocumentStatus, RequestToken
from service.documents.types import DocumentType
from service.extensions import db
from service.files import sha256_of
from service.placements import access as placements
from service.placements.models import Placement
from service.rules.roles import Role
from service.signals import document_requested, provider_documents, sealing_document
from service.storage import Storage, StorageError, current_storage

if TYPE_CHECKING:
    from service.reviews.models import Review

log = logging.getLogger(__name__)


class Sealer(Protocol):
    """What seals a sealed document, answered to the ``sealing_document`` signal (``service.signals``) by the part of
    apdocs that seals it (signing), so that the documents engine makes signed copies without knowing how they are
    signed. Each method raises ``RenderError`` with a reason a person can read."""

    def certify(self, docx: bytes) -> bytes:
        """The filled-in DOCX with what must be printed in it before conversion (the certificate of completion)."""
        ...

    def seal(self, pdf: bytes) -> bytes:
        """The converted PDF/A, sealed: the last change ever made to it."""
        ...


def context_builders() -> dict[DocumentType, Callable[..., dict[str, Any]]]:
    """The context builder of each document type (the kinds' registry, ``service.documents.kinds``)."""
    return {doc_type: kind.build_context for doc_type, kind in KINDS.items()}


#: Document types made for one of the placement's reviews: produced from the review, not the placement page.
PER_REVIEW_TYPES = frozenset(doc_type for doc_type, kind in KINDS.items() if kind.made_from is MadeFrom.REVIEW)
#: Document types made when the placement is ended, from the record of its end (service.end_of_placement), not
#: from a button on the placement page: a report of an active placement would say nothing yet.
AT_THE_END_TYPES = frozenset(doc_type for doc_type, kind in KINDS.items() if kind.made_from is MadeFrom.END)


def placement_document_types() -> list[DocumentType]:
    """The types a commissioner can produce from the placement page alone (a review record needs a review, the
    end-of-placement report is made by ending the placement), in the order of :func:`context_builders`: the
    support plan, then the provider information pack."""
    return [doc_type for doc_type in context_builders() if doc_type not in PER_REVIEW_TYPES | AT_THE_END_TYPES]


def review_of(placement: Placement, review_id: int | None) -> Review | None:
    """The placement's review with this id, or None when there is none (or it belongs to another placement)."""
    if review_id is None:
        return None
    return next((review for review in placement.reviews if review.id == review_id), None)


def latest_review(placement: Placement) -> Review | None:
    """The placement's most recent review (the highest number), or None before the first review."""
    return placement.reviews[-1] if placement.reviews else None


def latest_plan(placement_id: int) -> Document | None:
    """The newest AP Support Plan version made from the plan (not a signed copy), in whatever state it is."""
    return db.session.scalars(
        sa.select(Document)
        .where(
            Document.placement_id == placement_id,
            Document.doc_type == DocumentType.SUPPORT_PLAN,
            Document.sealed.is_(False),
        )
        .order_by(Document.version.desc())
        .limit(1)
    ).first()


def next_version(placement_id: int, doc_type: DocumentType) -> int:
    """The number the placement's next version of ``doc_type`` gets. Read it only while holding the placement
    (:func:`hold_placement`, which :func:`request_document` does): two requests reading it at once would both get
    the same number, and the second would break ``uq_documents_placement_type_version``."""
    current = db.session.scalar(
        sa.select(sa.func.max(Document.version)).where(
            Document.placement_id == placement_id, Document.doc_type == doc_type
        )
    )
    return (current or 0) + 1


def hold_placement(placement_id: int) -> None:
    """Wait for any other transaction making something for this placement to finish, then hold the placement until
    this one commits or rolls back.

    Why: a double click on "Produce", or "Send the pack now" sent twice, arrives as two requests at once, maybe in
    two web processes. Each numbers what it makes from what exists (:func:`next_version`, a review's number) and
    checks what was already asked (a request token, an open signing round); read at the same moment, both see the
    same thing. Held, the second reads only after the first has committed. The hold is a write to the placement's
    row, a no-op: PostgreSQL locks that row (without blocking rows that refer to the placement), and SQLite, whose
    writers take turns anyway, starts this transaction as a writer, so that nothing read after it is stale.
    """
    db.session.execute(sa.text("UPDATE placements SET status = status WHERE id = :id"), {"id": placement_id})


#: A form's request token as :func:`new_request_token` makes it; anything else is no token at all.
_REQUEST_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_request_token() -> str:
    """A fresh token for a form that makes something (a hidden field): each page shown gets its own, and the
    same form sent twice carries the same one (:func:`earlier_request`)."""
    return secrets.token_urlsafe(24)


def earlier_request(token: str | None, action: str, placement: Placement) -> RequestToken | None:
    """The first submission of this same form (``action`` on this placement with this token), if there was one:
    the caller answers with what that one made, and makes nothing. Holds the placement (:func:`hold_placement`)
    first, so a submission still in progress elsewhere is waited for, not missed. None without a (well-formed)
    token: the request goes ahead, as a new one."""
    hold_placement(placement.id)
    if not token or not _REQUEST_TOKEN.fullmatch(token):
        return None
    return db.session.scalars(
        sa.select(RequestToken).where(
            RequestToken.placement_id == placement.id, RequestToken.action == action, RequestToken.token == token
        )
    ).first()


def record_request(
    token: str | None, action: str, user: User | None, placement: Placement, document: Document | None = None
) -> None:
    """Keep this submission's token, with the document it made, in the caller's transaction, so that the same form
    sent again is answered from it (:func:`earlier_request`, called first, found none and holds the placement)."""
    if not token or not _REQUEST_TOKEN.fullmatch(token):
        return
    db.session.add(
        RequestToken(
            token=token,
            action=action,
            placement_id=placement.id,
            user_id=user.id if user else None,
            document_id=document.id if document else None,
        )
    )
    db.session.flush()


#: How long a form's request token is kept: a browser resending a form, or a second click, comes within seconds;
#: a month covers a form left open and sent again much later.
REQUEST_TOKEN_DAYS = 30


def forget_old_requests(now: datetime) -> int:
    """Delete request tokens older than ``REQUEST_TOKEN_DAYS`` (one statement); returns how many went. The caller
    commits. Why: every Produce, Agree, Send and Ask adds a row; kept for ever they would only grow."""
    cutoff = now - timedelta(days=REQUEST_TOKEN_DAYS)
    return db.session.execute(sa.delete(RequestToken).where(RequestToken.created_at < cutoff)).rowcount or 0


def request_document(
    user: User | None,
    placement: Placement,
    doc_type: DocumentType,
    output_dir: Path,
    *,
    on: date | None = None,
    pdf_a: bool = True,
    review: Review | None = None,
) -> Document:
    """Queue a new version of a document, fixing now the context and template it will be made from.

    The template is the commissioning organisation's active one, or the default. Its bytes are kept by
    their SHA-256 in storage (``service.storage``: the output folder ``output_dir``, or the object store when
    ``APDOCS_STORAGE_URL`` is set), so the document can be produced (or produced again after a failure) exactly
    as asked, on any worker, even if the template is replaced meanwhile.
    """
    builder = context_builders().get(doc_type)
    if builder is None:
        raise ValueError(f"No {doc_type.label} can be produced yet")
    hold_placement(placement.id)  # two requests at once get a version each, never the same one
    version = next_version(placement.id, doc_type)
    # Before the context is fixed: a new version of the plan stops an open round of signatures (service.signing.jobs).
    document_requested.send(placement, user=user, doc_type=doc_type)
    if doc_type in PER_REVIEW_TYPES:
        if review is None or review.placement_id != placement.id:
            raise ValueError("A review record is produced for one of the placement's reviews")
        context = builder(placement, on=on or date.today(), version=version, review=review)
    else:
        context = builder(placement, on=on or date.today(), version=version)
    template_name, template_sha = word_templates.active_template(
        placement.commissioning_organisation_id, doc_type, output_dir
    )
    document = Document(
        placement_id=placement.id,
        doc_type=doc_type,
        version=version,
        template_name=template_name,
        template_sha256=template_sha,
        context=context,
        pdf_a=pdf_a,
        status=DocumentStatus.QUEUED,
        requested_by_id=user.id if user else None,
        review_id=review.id if review is not None and doc_type in PER_REVIEW_TYPES else None,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        "request",
        "document",
        document.id,
        user,
        {"type": doc_type.value, "version": version, "placement_id": placement.id},
    )
    return document


def make_again(user: User, document: Document) -> bool:
    """Queue a failed document to be made again; False when it is no longer failed (the same "Try again" sent twice,
    or by two people at once), so it is never queued, nor made, twice. The status is changed by one conditional
    UPDATE: of two requests at once, the database lets one change it and the other finds nothing to change."""
    changed = db.session.execute(
        sa.update(Document)
        .where(Document.id == document.id, Document.status == DocumentStatus.FAILED)
        .values(status=DocumentStatus.QUEUED)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(document)
    if changed != 1:
        return False
    audit.record("retry", "document", document.id, user)
    return True


class TryAgainLater(Exception):
    """``produce`` met a passing fault (LibreOffice crashed, hung or could not start; the disk was full) and was
    allowed to leave the document queued for the caller's own retry: the job's retry runs it again later."""

    def __init__(self, document_id: int, reason: str) -> None:
        super().__init__(f"document {document_id}: {reason}")
        self.document_id = document_id


def produce(
    document_id: int,
    pool: ConverterPool,
    output_dir: Path,
    *,
    renderer: Renderer | None = None,
    retry_later: bool = False,
) -> Document:
    """Render and convert one queued (or failed) document, committing each step. Never raises for a
    document problem: the row ends ready, or failed with a readable reason.

    The template is filled in by ``renderer``, the process's render worker pool by default
    (``render_pool.shared_pool``): in a worker process under the render limits, never in this process, so a
    template that loops for ever or eats memory fails this document ("The template took longer than ...")
    and the service carries on with the next.

    A passing fault (``ConversionFailed.transient``, or no space left to write) is not the document's: when
    ``retry_later`` is true (the job has retries left) the row goes back to queued and ``TryAgainLater`` is raised
    so the job's retry makes it later; otherwise the row fails with a plain reason, and can be made again. Either
    way the detail (LibreOffice's words, paths) goes to the log with the document's number and type only."""
    document = db.session.get(Document, document_id)
    if document is None:
        raise LookupError(f"document {document_id} does not exist")
    if document.status is DocumentStatus.READY:
        return document
    document.attempts += 1
    document.status = DocumentStatus.RENDERING
    document.started_at = utcnow()
    document.error = ""
    db.session.commit()
    doc_type = document.doc_type.value
    storage = current_storage(output_dir)
    folder = f"documents/{document.placement_id}"
    docx_key, pdf_key = f"{folder}/{document.file_stem}.docx", f"{folder}/{document.file_stem}.pdf"
    try:
        template = word_templates.stored_template(output_dir, document.template_sha256)
        if sha256_of(template) != document.template_sha256:
            raise RenderError("The stored template does not match the one this document was requested with")
        if renderer is None:
            renderer = shared_pool()
        sealer = _sealer(document) if document.sealed else None
        docx = renderer.render(template, document.context)
        if sealer is not None:
            docx = sealer.certify(docx)
        storage.put(docx_key, docx)
        document.docx_path = docx_key
        document.docx_sha256 = sha256_of(docx)
        document.status = DocumentStatus.CONVERTING
        db.session.commit()
        pdf, in_place = _convert(pool, storage, docx_key, pdf_key, docx, pdf_a=document.pdf_a)
        if sealer is not None:
            pdf = sealer.seal(pdf)
        if sealer is not None or not in_place:  # an object store never holds a signed plan's unsealed PDF
            storage.put(pdf_key, pdf)
        document.pdf_path = pdf_key
        document.pdf_sha256 = sha256_of(pdf)
        document.status = DocumentStatus.READY
    except Exception as error:  # noqa: BLE001 - every failure ends as a failed row with a reason, never "in progress"
        passing = _passing(error)
        if isinstance(error, ConversionFailed):
            # The detail is LibreOffice's and the pool's (file names hold type, placement and version, no pupil).
            log.log(
                logging.ERROR if passing else logging.WARNING,
                "converting document %s (%s) failed: %s",
                document_id,
                doc_type,
                error.reason,
            )
        elif isinstance(error, StorageError):  # its text is the store's error code, never a key or a bucket
            log.error("storing document %s (%s) failed: %s", document_id, doc_type, error)
        elif isinstance(error, OSError):
            log.error(
                "writing document %s (%s) failed: %s", document_id, doc_type, errno.errorcode.get(error.errno or 0, "")
            )
        elif not isinstance(error, RenderError):
            # A fault of ours, not of the document: log where (never the message: it may quote personal data).
            log.error(
                "producing document %s failed: %s\n%s",
                document_id,
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
        db.session.rollback()
        document = db.session.get(Document, document_id)
        if passing and retry_later:
            document.status = DocumentStatus.QUEUED
            db.session.commit()
            log.warning("document %s (%s) will be tried again by its job", document_id, doc_type)
            raise TryAgainLater(document_id, type(error).__name__) from error
        document.status = DocumentStatus.FAILED
        document.error = _readable(error)
    document.completed_at = utcnow()
    db.session.commit()
    return document


def _convert(
    pool: ConverterPool, storage: Storage, docx_key: str, pdf_key: str, docx: bytes, *, pdf_a: bool
) -> tuple[bytes, bool]:
    """The PDF of ``docx``, and whether it is already in storage under ``pdf_key``. LibreOffice works on local
    files: in the local folder it writes the PDF in place (its ``.part``, renamed), as it always has; for an object
    store it works in a temporary folder of this machine (under ``TMPDIR``), removed at once, and the caller puts the
    PDF (sealed first, for a signed copy) into the store."""
    target = storage.local_path(pdf_key)
    source = storage.local_path(docx_key)
    if target is not None and source is not None:
        pool.convert(source, target, pdf_a=pdf_a)
        return target.read_bytes(), True
    sweep_scratch_folders()
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-") as scratch:
        source = Path(scratch) / PurePosixPath(docx_key).name
        target = Path(scratch) / PurePosixPath(pdf_key).name
        source.write_bytes(docx)
        pool.convert(source, target, pdf_a=pdf_a)
        return target.read_bytes(), False


#: The temporary folders conversions for an object store work in: ``apdocs-convert-<pid>-<random>`` under ``TMPDIR``.
SCRATCH_PREFIX = "apdocs-convert-"


def sweep_scratch_folders(root: Path | None = None) -> int:
    """Remove the conversion folders that processes no longer alive left behind (a worker killed mid-document: its
    DOCX holds a pupil's details and must not stay on the disk); returns how many went. A live process's folder,
    this one's included, is left alone. Cheap (one listing of the temporary folder), so it runs before each
    conversion: a sibling worker on the same machine that died is cleaned up by the next one to convert."""
    removed = 0
    for folder in Path(root or tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        pid_text = folder.name.removeprefix(SCRATCH_PREFIX).partition("-")[0]
        if not folder.is_dir() or not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to judge
        return True
    return True


def _passing(error: Exception) -> bool:
    """Whether the same document may well be made later: the converter's passing faults, a full disk, or an object
    store that could not be reached."""
    if isinstance(error, ConversionFailed):
        return error.transient
    if isinstance(error, StorageError):
        return True
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


def request_sealed_document(source: Document, context: dict[str, Any], output_dir: Path) -> Document:
    """Queue the signed version of ``source``: the same template the signers saw, ``context`` (theirs, with the
    signatures and the certificate's facts), a certificate page appended and the PDF sealed when it is made.
    It is the document's next version and, once ready, is never replaced (``Document.sealed``)."""
    if not word_templates.has_stored_template(output_dir, source.template_sha256):
        raise ValueError("the template the signers saw is no longer stored")
    hold_placement(source.placement_id)  # its version number, as in request_document
    document = Document(
        placement_id=source.placement_id,
        doc_type=source.doc_type,
        version=next_version(source.placement_id, source.doc_type),
        template_name=source.template_name,
        template_sha256=source.template_sha256,
        context=context,
        pdf_a=True,
        sealed=True,
        status=DocumentStatus.QUEUED,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        "request",
        "document",
        document.id,
        None,
        {"type": source.doc_type.value, "version": document.version, "sealed": True, "from": source.id},
        organisation_id=source.placement.commissioning_organisation_id,
    )
    return document


def _sealer(document: Document) -> Sealer:
    """The one sealer of a sealed document (``sealing_document``): without one it fails, never made unsealed."""
    sealers = [sealer for _receiver, sealer in sealing_document.send(document) if sealer is not None]
    if len(sealers) != 1:
        raise RenderError("This signed document cannot be made: nothing in apdocs can seal it")
    return sealers[0]


def _readable(error: Exception) -> str:
    if not isinstance(error, RenderError | ConversionFailed | OSError):
        return (
            "Something went wrong in apdocs while making this document. "
            "Try again; if it fails again, tell your administrator"
        )
    if isinstance(error, StorageError):
        return "The store that keeps documents could not be reached. Try again in a few minutes"
    if isinstance(error, FileNotFoundError):
        return "A file the document needs is missing from the output folder"
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return DISK_FULL
        return "The document could not be written to the output folder"
    if isinstance(error, ConversionFailed):
        return error.plain
    return str(error)


#: The placements whose status means a document of each type has something to say (each kind's ``STATUSES``). A
#: review record also needs at least one review (see :func:`placements_with_data_for`).
STATUSES_WITH_DATA = {doc_type: kind.statuses for doc_type, kind in KINDS.items()}


def placements_with_data_for(doc_type: DocumentType) -> list[int]:
    """The placements that have the data for a document type (for ``apdocs render --all``)."""
    statuses = STATUSES_WITH_DATA.get(doc_type, ())
    query = sa.select(Placement.id).where(Placement.status.in_(statuses))
    if doc_type in PER_REVIEW_TYPES:
        query = query.where(Placement.reviews.any())
    return list(db.session.scalars(query.order_by(Placement.id)))


def placement_by_id(placement_id: int) -> Placement | None:
    """Any placement, for the command line (whoever runs it already has the database)."""
    return db.session.get(Placement, placement_id)


def documents_for(placement: Placement, user: User | None = None) -> list[Document]:
    """Every version of every document of a placement, newest first, that ``user`` may open (all of them without
    a user, for the command line). The caller has checked access to the placement."""
    stmt = sa.select(Document).where(Document.placement_id == placement.id)
    if user is not None and user.role is Role.PROVIDER_STAFF:
        stmt = stmt.where(_provider_may_open())
    return list(db.session.scalars(stmt.order_by(Document.doc_type, Document.version.desc())))


def get_document_for(user: User, document_id: int) -> Document | None:
    """A document if its placement is visible to the user and its type is one they may open, else None (the view
    answers 404)."""
    document = db.session.get(Document, document_id)
    if document is None or not placements.can_see_placement(user, document.placement_id):
        return None
    if user.role is Role.PROVIDER_STAFF and not db.session.scalar(
        sa.select(sa.exists().where(Document.id == document.id, _provider_may_open()))
    ):
        return None
    return document


def _provider_may_open() -> sa.ColumnElement[bool]:
    """What provider staff may open (docs/access.md): every version of the provider information pack, made for
    them with the sections the commissioner keeps out left out; and what the features answer to
    ``provider_documents`` (signing: the AP Support Plan versions they were asked to sign, with the signed copy,
    which leave out the same sections). Review records and end-of-placement reports are the commissioner's records,
    with the pupil's full details: the provider reads each review on its page."""
    answers = [condition for _receiver, condition in provider_documents.send(Document) if condition is not None]
    return sa.or_(Document.doc_type == DocumentType.PROVIDER_PACK, *answers)
