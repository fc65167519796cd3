#!/usr/bin/env python3
"""certificate_transfer requirer built on ``charmlibs-interfaces-certificate-transfer``.

Its status shows how many certificates it received and the digest of each (sorted).
"""

from __future__ import annotations

import hashlib

import ops
from charmlibs.interfaces.certificate_transfer import CertificateTransferRequires

ENDPOINT = 'receive-ca-cert'


def digest(value: str) -> str:
    """The first 12 hex digits of the SHA-256 of a stripped PEM."""
    return hashlib.sha256(value.strip().encode()).hexdigest()[:12]


class PyCertificateTransferRequirer(ops.CharmBase):
    """Requires ``receive-ca-cert`` with the real library."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self.receive_ca = CertificateTransferRequires(self, ENDPOINT)
        framework.observe(self.on.collect_unit_status, self._on_collect_unit_status)

    def _on_collect_unit_status(self, event: ops.CollectStatusEvent) -> None:
        certs = self.receive_ca.get_all_certificates()
        if not certs:
            event.add_status(ops.WaitingStatus('no certificate yet'))
            return
        digests = ','.join(sorted(digest(c) for c in certs))
        event.add_status(ops.ActiveStatus(f'ready certificates={digests}'))


if __name__ == '__main__':
    ops.main(PyCertificateTransferRequirer)
