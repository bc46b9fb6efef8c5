"""The app factory: configuration, extensions, blueprints, the queue and the signals' receivers, security."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from forms.fields import error_summary
from service import formatting, queue, security
from service.access import nav_items
from service.attendance import jobs as attendance_jobs
from service.attendance import placement_page as attendance_placement_page
from service.attendance.views import bp as attendance_bp
from service.audit.views import bp as audit_bp
from service.auth.views import bp as auth_bp
from service.dashboard.views import bp as dashboard_bp
from service.documents import jobs as documents_jobs
from service.documents import placement_page as documents_placement_page
from service.documents.views import bp as documents_bp
from service.end_of_placement import placement_page as end_of_placement_placement_page
from service.end_of_placement.views import bp as end_of_placement_bp
from service.exclusions import pupil_page as exclusions_pupil_page
from service.exclusions.views import bp as exclusions_bp
from service.extensions import csrf, db, limiter, login_manager
from service.health.views import bp as health_bp
from service.la_decisions import placement_page as la_decisions_placement_page
from service.la_decisions.views import bp as la_decisions_bp
from service.la_notices import placement_page as la_notices_placement_page
from service.la_notices.views import bp as la_notices_bp
from service.mail import jobs as mail_jobs
from service.mail.views import bp as mail_bp
from service.organisations.views import bp as organisations_bp
from service.placements import provider_changes as placements_provider_changes
from service.placements import pupil_page as placements_pupil_page
from service.placements.views import bp as placements_bp
from service.progress_reports import placement_page as progress_reports_placement_page
from service.progress_reports.views import bp as progress_reports_bp
from service.provider_packs import jobs as provider_packs_jobs
from service.provider_packs import placement_page as provider_packs_placement_page
from service.provider_packs.views import bp as provider_packs_bp
from service.providers.views import bp as providers_bp
from service.pupils.views import bp as pupils_bp
from service.reviews import jobs as reviews_jobs
from service.reviews import placement_page as reviews_placement_page
from service.reviews.views import bp as reviews_bp
from service.settings import Settings
from service.signing import jobs as signing_jobs
from service.signing import placement_page as signing_placement_page
from service.signing.views import bp as signing_bp
from service.summary.views import bp as summary_bp
from service.support_plans import placement_page as support_plans_placement_page
from service.support_plans.views import bp as support_plans_bp
from service.term_dates.views import bp as term_dates_bp
from service.visits import placement_page as visits_placement_page
from service.visits.views import bp as visits_bp

#: The modules that declare background tasks (``service.queue``) and receive signals (``service.signals``), listed
#: once as the blueprints are: importing them here declares the tasks and connects the receivers, so the web
#: process, the worker and the tests have the same ones. The queue core itself imports no feature.
JOB_MODULES = (
    documents_jobs,
    mail_jobs,
    attendance_jobs,
    provider_packs_jobs,
    reviews_jobs,
    signing_jobs,
    placements_provider_changes,
)


def create_app(settings: Settings | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app: configuration, extensions, blueprints, security and error pages."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_dir))
    app.config.from_mapping(settings.flask_config())
    if overrides:
        app.config.update(overrides)
    app.extensions["apdocs_settings"] = settings
    if settings.trusted_proxies:
        # Behind a reverse proxy, take the client's address and scheme from the proxy's headers, so
        # rate limits and the audit log see the real client, and secure cookies work.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    configure_templates(app)
    register_extensions(app)
    register_blueprints(app)
    register_jobs(app)

    security.init_app(app)
    app.jinja_env.globals["nav_items"] = nav_items
    return app


def configure_templates(app: Flask) -> None:
    """Our templates first, then GOV.UK Frontend's Jinja macros and the WTForms widgets."""
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(app.root_path) + "/templates"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    WTFormsHelpers(app)

    formatting.init_app(app)
    app.jinja_env.globals["error_summary"] = error_summary


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)


def register_jobs(app: Flask) -> None:
    """Bind the queue to this app: the tasks of ``JOB_MODULES`` run in its context."""
    queue.init_app(app)


def register_blueprints(app: Flask) -> None:
    for blueprint in (
        health_bp,
        auth_bp,
        dashboard_bp,
        pupils_bp,
        providers_bp,
        placements_bp,
        support_plans_bp,
        reviews_bp,
        provider_packs_bp,
        attendance_bp,
        signing_bp,
        visits_bp,
        progress_reports_bp,
        end_of_placement_bp,
        exclusions_bp,
        summary_bp,
        la_notices_bp,
        la_decisions_bp,
        documents_bp,
        organisations_bp,
        term_dates_bp,
        mail_bp,
        audit_bp,
    ):
        app.register_blueprint(blueprint)


#: The modules whose receivers draw a feature's part of another feature's page (``service.signals.placement_page``,
#: ``service.signals.pupil_page``).
PAGE_PARTS = (
    placements_pupil_page,
    exclusions_pupil_page,
    support_plans_placement_page,
    reviews_placement_page,
    provider_packs_placement_page,
    attendance_placement_page,
    signing_placement_page,
    visits_placement_page,
    progress_reports_placement_page,
    end_of_placement_placement_page,
    documents_placement_page,
    la_notices_placement_page,
    la_decisions_placement_page,
)
