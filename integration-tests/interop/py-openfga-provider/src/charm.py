#!/usr/bin/env python3
"""openfga provider built on the published ``charmlibs-interfaces-openfga`` library.

Like openfga-k8s, the leader keeps one application secret labelled ``token`` and answers each
store request with a store id (stable per store name), the secret's id and the server URLs
through ``update_relation_app_data``, which grants the secret to the relation.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

import ops
from charmlibs.interfaces.openfga import (
    OpenFGAProvider,
    OpenfgaProviderAppData,
    OpenFGAStoreRequestEvent,
)

logger = logging.getLogger(__name__)

TOKEN_LABEL = 'token'


class PyOpenfgaProvider(ops.CharmBase):
    """Provides ``openfga`` with the real library."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self.openfga = OpenFGAProvider(self)
        framework.observe(self.openfga.on.openfga_store_requested, self._on_store_requested)
        framework.observe(self.on.collect_unit_status, self._on_collect_unit_status)

    def _token_secret(self) -> ops.Secret:
        try:
            return self.model.get_secret(label=TOKEN_LABEL)
        except ops.SecretNotFoundError:
            return self.app.add_secret({'token': secrets.token_urlsafe(32)}, label=TOKEN_LABEL)

    def _url(self, port: int) -> str:
        return f'http://{self.app.name}.{self.model.name}.svc.cluster.local:{port}'

    def _on_store_requested(self, event: OpenFGAStoreRequestEvent) -> None:
        if not self.unit.is_leader():
            return
        store_id = '01' + hashlib.sha256(event.store_name.encode()).hexdigest()[:24].upper()
        secret = self._token_secret()
        data = OpenfgaProviderAppData(
            store_id=store_id,
            # A secret fetched by label has no id in ops: ask Juju for it.
            token_secret_id=secret.id or secret.get_info().id,
            http_api_url=self._url(8080),
            grpc_api_url=self._url(8081),
        )
        self.openfga.update_relation_app_data(data, event.relation.id)
        remote = event.relation.app.name if event.relation.app else '?'
        logger.info('store %s for %s: %s', event.store_name, remote, store_id)

    def _on_collect_unit_status(self, event: ops.CollectStatusEvent) -> None:
        served = [
            r.app.name
            for r in self.model.relations['openfga']
            if r.app is not None and self.unit.is_leader() and r.data[self.app].get('store_id')
        ]
        if served:
            event.add_status(ops.ActiveStatus(f'serving {",".join(sorted(served))}'))
        else:
            event.add_status(ops.ActiveStatus())


if __name__ == '__main__':
    ops.main(PyOpenfgaProvider)
