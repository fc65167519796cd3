#!/usr/bin/env python3
"""postgresql_client requirer built on the published ``dpcharmlibs-interfaces`` library.

The library writes the v1 request (``version: v1`` and a ``requests`` list); once the library has
seen the provider's answer (``resource_created``), the status shows, in every later hook, what
the library reads now: the database, the endpoints, TLS and digests of the credentials.
"""

from __future__ import annotations

import hashlib
import logging

import ops
from dpcharmlibs.interfaces import (
    RequirerCommonModel,
    ResourceCreatedEvent,
    ResourceProviderModel,
    ResourceRequirerEventHandler,
)

logger = logging.getLogger(__name__)

ENDPOINT = 'database'


def digest(value: str) -> str:
    """The first 12 hex digits of the SHA-256 of a value (safe to show)."""
    return hashlib.sha256(value.encode()).hexdigest()[:12]


class PyPostgresqlRequirer(ops.CharmBase):
    """Requires ``database`` (postgresql_client) with the real library."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self.db = ResourceRequirerEventHandler(
            self,
            ENDPOINT,
            [RequirerCommonModel(resource='interop')],
            response_model=ResourceProviderModel,
        )
        framework.observe(self.db.on.resource_created, self._on_resource_created)
        framework.observe(self.on.collect_unit_status, self._on_collect_unit_status)

    def _on_resource_created(self, event: ResourceCreatedEvent) -> None:
        logger.info('database created: %s', event.response.resource)

    def _ready(self, relation: ops.Relation) -> str | None:
        """What the library reads from the provider's answer now (credentials as digests)."""
        if not self.db.are_all_resources_created(relation.id):
            return None
        model = self.db.interface.build_model(relation.id, component=relation.app)
        for response in model.requests:
            if response.username and response.password:
                return (
                    f'ready db={response.resource} endpoint={response.endpoints} '
                    f'tls={str(bool(response.tls)).lower()} '
                    f'user={digest(response.username)} password={digest(response.password)}'
                )
        return None

    def _on_collect_unit_status(self, event: ops.CollectStatusEvent) -> None:
        relation = self.model.get_relation(ENDPOINT)
        if relation is None:
            event.add_status(ops.BlockedStatus('needs a database'))
        elif ready := self._ready(relation):
            event.add_status(ops.ActiveStatus(ready))
        else:
            event.add_status(ops.WaitingStatus('waiting for the database'))


if __name__ == '__main__':
    ops.main(PyPostgresqlRequirer)
