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

    from app.routing import IdConverter

    app.url_map.converters["int"] = IdConverter

    from app import extensions

    extensions.init_app(app)

    from app.admin.views import bp as admin_bp
    from app.api.views import bp as api_bp
    from app.auth.views import bp as auth_bp
    from app.dashboard.views import bp as dashboard_bp
    from app.metrics.views import bp as metrics_bp
    from app.orgs.views import bp as orgs_bp
    from app.practices.views import bp as practices_bp
    from app.pulse.views import bp as pulse_bp
    from app.results.views import bp as results_bp
    from app.stages.views import bp as stages_bp
    from app.surveys.views import bp as surveys_bp
    from app.system import bp as system_bp
    from app.workshop.views import bp as workshop_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(orgs_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(stages_bp)
    app.register_blueprint(workshop_bp)
    app.register_blueprint(practices_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(pulse_bp)
    app.register_blueprint(results_bp)
    app.register_blueprint(metrics_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(system_bp)
    extensions.csrf.exempt(api_bp)

    from app import assets, cli, errors, templating

    assets.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    templating.init_app(app)
    return app
