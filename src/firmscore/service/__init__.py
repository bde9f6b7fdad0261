"""The credit service: an HTTP API over the scoring library, with access control, purpose, consent and a query log.

The service is a thin face: every answer is computed by the same library calls as the CLI
(:mod:`firmscore.scoring`, :mod:`firmscore.ledger`); what it adds is who may ask (:mod:`.auth`,
:mod:`.policies`), why (:mod:`.purposes`), under which authorization (:mod:`.consent`), and a record
of every answer that the scored firm itself can read and verify (:mod:`.querylog`).
"""

from firmscore.service.app import create_app
from firmscore.service.settings import ServiceSettings

__all__ = ["ServiceSettings", "create_app"]
