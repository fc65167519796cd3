#!/usr/bin/env python3
"""openfga requirer built on the published ``charmlibs-interfaces-openfga`` library.

It asks for the store ``interop``; once the provider answers, its status shows the store id,
the URLs and a SHA-256 digest of the token it read from the granted secret (never the token).
"""

from __future__ import annotations

import hashlib
import logging

import ops
from charmlibs.interfaces.openfga import OpenFGARequires, OpenFGAStoreCreateEvent

logger = logging.getLogger(__name__)


def digest(value: str) -> str:
    """The first 12 hex digits of the SHA-256 of a value (safe to show)."""
    return hashlib.sha256(value.encode()).hexdigest()[:12]


class PyOpenfgaRequirer(ops.CharmBase):
    """Requires ``openfga`` with the real library."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self.openfga = OpenFGARequires(self, 'interop')
        framework.observe(self.openfga.on.openfga_store_created, self._on_store_created)
        framework.observe(self.on.collect_unit_status, self._on_collect_unit_status)

    def _on_store_created(self, event: OpenFGAStoreCreateEvent) -> None:
        logger.info('openfga store created: %s', event.store_id)

    def _on_collect_unit_status(self, event: ops.CollectStatusEvent) -> None:
        if self.model.get_relation('openfga') is None:
            event.add_status(ops.BlockedStatus('needs openfga'))
            return
        info = self.openfga.get_store_info()
        if info is None or not info.store_id or not info.token:
            event.add_status(ops.WaitingStatus('waiting for the store'))
            return
        event.add_status(
            ops.ActiveStatus(
                f'ready store={info.store_id} http={info.http_api_url} '
                f'grpc={info.grpc_api_url} token={digest(info.token)}'
            )
        )


if __name__ == '__main__':
    ops.main(PyOpenfgaRequirer)
