#!/usr/bin/env python3
"""postgresql_client provider built on the published ``dpcharmlibs-interfaces`` library.

It answers every request the way postgresql-k8s does (user ``relation_id_<id>``, a generated
password, primary and replica endpoints, ``tls`` off) through the library's ``set_response``,
which decides what goes in secrets. It never logs or shows a credential.
"""

from __future__ import annotations

import logging
import secrets

import ops
from dpcharmlibs.interfaces import (
    RequirerCommonModel,
    ResourceProviderEventHandler,
    ResourceProviderModel,
    ResourceRequestedEvent,
)

logger = logging.getLogger(__name__)

ENDPOINT = 'database'


class PyPostgresqlProvider(ops.CharmBase):
    """Provides ``database`` (postgresql_client) with the real library."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self.db = ResourceProviderEventHandler(self, ENDPOINT, RequirerCommonModel)
        framework.observe(self.db.on.resource_requested, self._on_resource_requested)
        framework.observe(self.on.collect_unit_status, self._on_collect_unit_status)

    def _host(self, role: str) -> str:
        return f'{self.app.name}-{role}.{self.model.name}.svc.cluster.local:5432'

    def _on_resource_requested(self, event: ResourceRequestedEvent) -> None:
        relation = event.relation
        database = event.request.resource
        username = f'relation_id_{relation.id}'
        password = secrets.token_urlsafe(24)
        primary = self._host('primary')
        response = ResourceProviderModel(
            salt=event.request.salt,
            request_id=event.request.request_id,
            resource=database,
            username=username,
            password=password,
            endpoints=primary,
            read_only_endpoints=self._host('replicas'),
            uris=f'postgresql://{username}:{password}@{primary}/{database}',
            tls=False,
            tls_ca='',
            version='16.4',
        )
        self.db.set_response(relation.id, response)
        logger.info('answered database %s on relation %d', database, relation.id)

    def _on_collect_unit_status(self, event: ops.CollectStatusEvent) -> None:
        # v0 answers carry ``endpoints``; v1 answers are in the ``requests`` list.
        answered = [
            r
            for r in self.model.relations[ENDPOINT]
            if r.app is not None
            and (r.data[self.app].get('endpoints') or r.data[self.app].get('requests'))
        ]
        if not self.unit.is_leader():
            event.add_status(ops.ActiveStatus())
        elif answered:
            names = ','.join(sorted(r.app.name for r in answered if r.app is not None))
            event.add_status(ops.ActiveStatus(f'serving {names}'))
        else:
            event.add_status(ops.WaitingStatus('no request yet'))


if __name__ == '__main__':
    ops.main(PyPostgresqlProvider)
