"""The Monday digest: who opted in (:mod:`.opt_in`), what it says (:mod:`.content`, read
off the dashboard's diagnosis) and sending it once per ISO week (:mod:`.sending`)."""

from app.services.digest.content import Digest
from app.services.digest.opt_in import digest_choices, set_digest
from app.services.digest.sending import Report, digest_key, render, send_digests

__all__ = [
    "Digest",
    "Report",
    "digest_choices",
    "digest_key",
    "render",
    "send_digests",
    "set_digest",
]
