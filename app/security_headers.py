"""The security headers of every response, HTTPS in production, and trusted proxies.

Written by hand rather than with flask-talisman: Talisman redirects to HTTPS and
marks the session cookie Secure unless told otherwise, and sends headers that
browsers have dropped or that now do harm (``X-XSS-Protection``, ``Feature-Policy``);
turning those off and then overriding its Referrer-Policy per blueprint would take
more lines than the few headers below. One ``after_request`` sets them on every
response (pages, error pages, static files, the API); a view or blueprint that
sets a stricter value first keeps it (the pulse pages send ``no-referrer``).
"""

from __future__ import annotations

from base64 import b64encode
from hashlib import sha256

from flask import Flask, Response, current_app
from werkzeug.middleware.proxy_fix import ProxyFix


def _sha256(value: str) -> str:
    return "'sha256-" + b64encode(sha256(value.encode()).digest()).decode() + "'"


# Measured in headless Chromium on every page the demo roles reach
# (tests/browser/test_csp.py): with ``style-src 'self'`` the charts draw and nothing else
# is blocked once (1) plotly.js finds its styles as a file (css/plotly.css, linked with the
# id and class that stop it from injecting a <style>) and (2) the templates have no style
# attribute. Styles plotly.js sets through ``element.style`` are not restricted by CSP; it
# writes a style *attribute* only with these two fixed values: an empty one (colour-bar
# rectangles) and the image-rendering probe of heatmaps. Both are allowed by their hashes
# ('unsafe-hashes'), so no other inline style, and no inline script at all, can run.
PLOTLY_STYLE_ATTRIBUTES = (
    "",
    "image-rendering: optimizeSpeed; image-rendering: -moz-crisp-edges; "
    "image-rendering: -o-crisp-edges; image-rendering: -webkit-optimize-contrast; "
    "image-rendering: optimize-contrast; image-rendering: crisp-edges; "
    "image-rendering: pixelated; ",
)
# No inline script anywhere: templates load js/*.js and the vendored Plotly bundle, and
# charts are drawn by js/charts.js from data-chart attributes. ``img-src data:`` is for
# Plotly's "Download plot as a PNG", which draws the chart's SVG through a data: image; QR
# codes are inline SVG and need nothing.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-hashes' " + " ".join(map(_sha256, PLOTLY_STYLE_ATTRIBUTES)),
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Features no page uses; only names every current browser knows, so that none logs a warning.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope",
        "magnetometer", "microphone", "payment", "usb",
    )
)  # fmt: skip
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # For browsers without frame-ancestors; no page is meant to be framed (the workshop
    # projector screen is a page of its own).
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Browsers keep to HTTPS for a year once they have seen this over HTTPS.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["STEPWISE_HTTPS"]:
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


def init_app(app: Flask) -> None:
    hops = app.config["STEPWISE_PROXY_FIX"]
    if hops:
        # Trust X-Forwarded-For/-Proto/-Host/-Port/-Prefix from that many proxies, so that
        # request.remote_addr and url_for(..., _external=True) are the public ones.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )
    app.after_request(add_security_headers)
