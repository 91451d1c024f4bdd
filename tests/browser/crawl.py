"""Logging in and following a page's links, for the tests that crawl every page a role can reach."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import SplitResult, urlsplit

from playwright.sync_api import Page, expect

# Files, not pages: exports, API answers and static assets.
DOWNLOADS = re.compile(r"\.(csv|xlsx|json|svg|ico)$|^/static/|^/api/")


def page_links(page: Page, seen: set[str]) -> Iterator[tuple[str, SplitResult]]:
    """Each same-site page linked from ``page`` not yet in ``seen`` (which it joins).

    A language switch's links (``hreflang``) are the same page in another language: not
    followed, so a crawl keeps the language its browser asks for."""
    origin = urlsplit(page.url).netloc
    links = "a[href]:not([download]):not([hreflang])"
    for href in page.eval_on_selector_all(links, "as => as.map(a => a.href)"):
        parts = urlsplit(href)
        link = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.netloc != origin or link in seen or DOWNLOADS.search(parts.path):
            continue
        seen.add(link)
        yield link, parts


def log_in(page: Page, email: str, password: str) -> None:
    """Through the login form, as a person would."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
