#!/usr/bin/env python3
"""tls-certificates requirer built on ``charmlibs-interfaces-tls-certificates``.

Unit mode, one certificate for the unit's name, the private key made and kept by the library (a
unit secret). Once a certificate is assigned, the status shows SHA-256 digests of the
certificate, its CA and the CSR, and whether the certificate carries the library's key; the key
itself is never shown.
"""

from __future__ import annotations

import hashlib
import logging

import ops
from charmlibs.interfaces.tls_certificates import (
    CertificateAvailableEvent,
    CertificateRequestAttributes,
    Mode,
    TLSCertificatesRequiresV4,
)

logger = logging.getLogger(__name__)

ENDPOINT = 'certificates'


def digest(value: str) -> str:
    """The first 12 hex digits of the SHA-256 of a value (safe to show)."""
    return hashlib.sha256(value.strip().encode()).hexdigest()[:12]


class PyTlsCertificatesRequirer(ops.CharmBase):
    """Requires ``certificates`` with the real library."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        app, number = self.unit.name.split('/')
        fqdn = f'{app}-{number}.{app}-endpoints.{self.model.name}.svc.cluster.local'
        self.tls = TLSCertificatesRequiresV4(
            self,
            ENDPOINT,
            certificate_requests=[
                CertificateRequestAttributes(
                    common_name=fqdn, sans_dns=[fqdn], sans_ip=['127.0.0.1']
                )
            ],
            mode=Mode.UNIT,
        )
        framework.observe(self.tls.on.certificate_available, self._on_certificate_available)
        framework.observe(self.on.collect_unit_status, self._on_collect_unit_status)

    def _on_certificate_available(self, event: CertificateAvailableEvent) -> None:
        logger.info('certificate available for %s', event.certificate.common_name)

    def _on_collect_unit_status(self, event: ops.CollectStatusEvent) -> None:
        if self.model.get_relation(ENDPOINT) is None:
            event.add_status(ops.BlockedStatus('needs certificates'))
            return
        certificates, key = self.tls.get_assigned_certificates()
        if not certificates or key is None:
            event.add_status(ops.WaitingStatus('waiting for a certificate'))
            return
        got = certificates[0]
        event.add_status(
            ops.ActiveStatus(
                f'ready certificate={digest(str(got.certificate))} ca={digest(str(got.ca))} '
                f'csr={digest(str(got.certificate_signing_request))} '
                f'key-matches={got.certificate.matches_private_key(key)}'
            )
        )


if __name__ == '__main__':
    ops.main(PyTlsCertificatesRequirer)
