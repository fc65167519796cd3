#!/usr/bin/env python3
"""certificate_transfer provider built on ``charmlibs-interfaces-certificate-transfer``.

The leader sends the CA from the ``ca`` option on every relation event of ``send-ca-cert``.
"""

from __future__ import annotations

import ops
from charmlibs.interfaces.certificate_transfer import CertificateTransferProvides

ENDPOINT = 'send-ca-cert'


class PyCertificateTransferProvider(ops.CharmBase):
    """Provides ``send-ca-cert`` with the real library."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self.send_ca = CertificateTransferProvides(self, ENDPOINT)
        for event in (
            self.on[ENDPOINT].relation_joined,
            self.on[ENDPOINT].relation_changed,
            self.on.config_changed,
        ):
            framework.observe(event, self._send)
        framework.observe(self.on.collect_unit_status, self._on_collect_unit_status)

    def _send(self, _: ops.EventBase) -> None:
        ca = str(self.config.get('ca', '')).strip()
        if self.unit.is_leader() and ca:
            self.send_ca.add_certificates({ca + '\n'})

    def _on_collect_unit_status(self, event: ops.CollectStatusEvent) -> None:
        event.add_status(ops.ActiveStatus(f'sending to {len(self.model.relations[ENDPOINT])}'))


if __name__ == '__main__':
    ops.main(PyCertificateTransferProvider)
