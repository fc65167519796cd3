#!/usr/bin/env python3
"""oauth provider built on the published ``charmlibs-interfaces-oauth`` library.

It behaves as hydra does towards its clients: the leader publishes the issuer and its endpoints
when a relation is created, and when a requirer publishes its client config it checks it,
registers a client (a random client id and client secret) and hands the secret over with
``set_client_credentials_in_relation_data``, which keeps it in an application secret labelled
``client_secret_<relation id>`` granted to the relation; the ``rotate-client-secret`` action
writes a new revision of each. Its status shows the client config it parsed from each requirer;
the client secret is never logged or shown.
"""

from __future__ import annotations

import logging
import secrets
import uuid

import ops
from charmlibs.interfaces.oauth import (
    ClientChangedEvent,
    ClientConfigError,
    ClientCreatedEvent,
    DataValidationError,
    OAuthProvider,
)

logger = logging.getLogger(__name__)


class PyOauthProvider(ops.CharmBase):
    """Provides ``oauth`` with the real library."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self.oauth = OAuthProvider(self)
        framework.observe(self.on.oauth_relation_created, self._publish_info)
        framework.observe(self.on.leader_elected, self._publish_info)
        framework.observe(self.oauth.on.client_created, self._on_client_created)
        framework.observe(self.oauth.on.client_changed, self._on_client_changed)
        framework.observe(self.on.rotate_client_secret_action, self._on_rotate)
        framework.observe(self.on.collect_unit_status, self._on_collect_unit_status)

    @property
    def _public(self) -> str:
        return f'https://{self.app.name}.{self.model.name}.svc.cluster.local:4444'

    @property
    def _admin(self) -> str:
        return f'http://{self.app.name}.{self.model.name}.svc.cluster.local:4445'

    def _publish_info(self, _: ops.EventBase) -> None:
        self.oauth.set_provider_info_in_relation_data(
            issuer_url=self._public,
            authorization_endpoint=f'{self._public}/oauth2/auth',
            token_endpoint=f'{self._public}/oauth2/token',
            introspection_endpoint=f'{self._admin}/admin/oauth2/introspect',
            userinfo_endpoint=f'{self._public}/userinfo',
            jwks_endpoint=f'{self._public}/.well-known/jwks.json',
            scope='openid profile email phone',
        )

    def _on_client_created(self, event: ClientCreatedEvent) -> None:
        config = event.to_client_config()
        try:
            config.validate()
        except ClientConfigError as e:
            logger.error('refusing the client of relation %s: %s', event.relation_id, e)
            return
        client_id = str(uuid.uuid4())
        self.oauth.set_client_credentials_in_relation_data(
            event.relation_id, client_id, secrets.token_urlsafe(32)
        )
        logger.info(
            'client %s registered for relation %s (redirect %s)',
            client_id,
            event.relation_id,
            ' '.join(config.redirect_uris),
        )

    def _on_client_changed(self, event: ClientChangedEvent) -> None:
        logger.info('client %s of relation %s is up to date', event.client_id, event.relation_id)

    def _on_rotate(self, event: ops.ActionEvent) -> None:
        rotated = []
        for relation in self.model.relations['oauth']:
            client_id = relation.data[self.app].get('client_id')
            if client_id and self.unit.is_leader():
                self.oauth.set_client_credentials_in_relation_data(
                    relation.id, client_id, secrets.token_urlsafe(32)
                )
                rotated.append(client_id)
        event.set_results({'rotated': ','.join(rotated)})

    def _on_collect_unit_status(self, event: ops.CollectStatusEvent) -> None:
        served = []
        for relation in self.model.relations['oauth']:
            if relation.app is None or not self.unit.is_leader():
                continue
            client_id = relation.data[self.app].get('client_id')
            try:
                config = self.oauth.get_client_config(relation)
            except DataValidationError:
                config = None
            if not client_id or config is None:
                continue
            served.append(
                f'{relation.app.name} client={client_id} '
                f'redirect={",".join(config.redirect_uris)} scope={config.scope} '
                f'grants={",".join(config.grant_types)} audience={",".join(config.audience)} '
                f'auth={config.token_endpoint_auth_method}'
            )
        event.add_status(ops.ActiveStatus(f'serving {"; ".join(served)}' if served else ''))


if __name__ == '__main__':
    ops.main(PyOauthProvider)
