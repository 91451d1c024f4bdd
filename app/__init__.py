"""The Stepwise application factory: ``flask --app app ...``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from config import DEFAULTS, settings_from_env

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_mapping(settings_from_env(Path(app.instance_path)))
    else:
        app.config.from_mapping(test_config)

    # Imported here, not at the top: importing any ``app.*`` module runs this file
    # first, and the blueprints import the services that such a module may be.
    from app import (
        assets,
        cli,
        errors,
        extensions,
        i18n,
        limits,
        security_headers,
        templating,
    )
    from app.admin.views import bp as admin_bp
    from app.api.views import bp as api_bp
    from app.audit.views import bp as audit_bp
    from app.auth.views import bp as auth_bp
    from app.dashboard.views import bp as dashboard_bp
    from app.mail_log.views import bp as mail_log_bp
    from app.metrics.views import bp as metrics_bp
    from app.orgs.views import bp as orgs_bp
    from app.practices.views import bp as practices_bp
    from app.pulse.views import bp as pulse_bp
    from app.results.views import bp as results_bp
    from app.routing import IdConverter
    from app.stages.views import bp as stages_bp
    from app.surveys.views import bp as surveys_bp
    from app.system import bp as system_bp
    from app.workshop.views import bp as workshop_bp

    app.url_map.converters["int"] = IdConverter
    extensions.init_app(app)
    for blueprint in (
        auth_bp, orgs_bp, admin_bp, stages_bp, workshop_bp, practices_bp, surveys_bp,
        pulse_bp, results_bp, metrics_bp, dashboard_bp, api_bp, system_bp, audit_bp,
        mail_log_bp,
    ):  # fmt: skip
        app.register_blueprint(blueprint)
    extensions.csrf.exempt(api_bp)  # the API authenticates by bearer token, not cookie
    for module in (assets, errors, cli, i18n, templating, security_headers, limits):
        module.init_app(app)
    return app
