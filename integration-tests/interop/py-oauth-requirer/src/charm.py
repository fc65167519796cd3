#!/usr/bin/env python3
"""oauth requirer built on the published ``charmlibs-interfaces-oauth`` library.

It registers a client with two redirect URIs (the list form of ``redirect_uri``), an audience
and ``client_secret_post``; once the provider answers, its status shows the client id, the
issuer and token endpoint, and a SHA-256 digest of the client secret it read from the granted
secret (never the secret).
"""

from __future__ import annotations

import hashlib
import logging

import ops
from charmlibs.interfaces.oauth import ClientConfig, OAuthInfoChangedEvent, OAuthRequirer

logger = logging.getLogger(__name__)

CLIENT = ClientConfig(
    redirect_uri=[
        'https://py-req.example.com/oauth/callback',
        'https://py-req.example.com/oauth/device',
    ],
    scope='openid email offline_access',
    grant_types=['authorization_code', 'refresh_token'],
    audience=['jimm', 'juju'],
    token_endpoint_auth_method='client_secret_post',
)


def digest(value: str) -> str:
    """The first 12 hex digits of the SHA-256 of a value (safe to show)."""
    return hashlib.sha256(value.encode()).hexdigest()[:12]


class PyOauthRequirer(ops.CharmBase):
    """Requires ``oauth`` with the real library."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self.oauth = OAuthRequirer(self, CLIENT)
        framework.observe(self.oauth.on.oauth_info_changed, self._on_info_changed)
        framework.observe(self.on.collect_unit_status, self._on_collect_unit_status)

    def _on_info_changed(self, event: OAuthInfoChangedEvent) -> None:
        info = self.oauth.get_provider_info()
        secret = info.client_secret if info and info.client_secret else ''
        logger.info('oauth client registered: %s secret=%s', event.client_id, digest(secret))

    def _on_collect_unit_status(self, event: ops.CollectStatusEvent) -> None:
        if self.model.get_relation('oauth') is None:
            event.add_status(ops.BlockedStatus('needs oauth'))
            return
        if not self.oauth.is_client_created():
            event.add_status(ops.WaitingStatus('waiting for the oauth client'))
            return
        info = self.oauth.get_provider_info()
        if info is None or not info.client_id or not info.client_secret:
            event.add_status(ops.WaitingStatus('waiting for the oauth client'))
            return
        event.add_status(
            ops.ActiveStatus(
                f'ready client={info.client_id} issuer={info.issuer_url} '
                f'token={info.token_endpoint} jwt={info.jwt_access_token} '
                f'secret={digest(info.client_secret)}'
            )
        )


if __name__ == '__main__':
    ops.main(PyOauthRequirer)
