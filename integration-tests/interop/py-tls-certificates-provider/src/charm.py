#!/usr/bin/env python3
"""tls-certificates provider built on ``charmlibs-interfaces-tls-certificates``: a tiny CA.

The leader makes a CA (the library's ``PrivateKey.generate`` and
``Certificate.generate_self_signed_ca``), keeps it in an application secret labelled ``ca`` and
signs every outstanding CSR (``Certificate.generate``) on the relation's events, publishing the
certificates with ``set_relation_certificate``. The ``rotate-ca`` action makes a new CA and calls
``revoke_all_certificates``; it does not re-issue: the next relation event answers whatever the
requirers then ask. The status shows the CA's digest and how many certificates are issued.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

import ops
from charmlibs.interfaces.tls_certificates import (
    Certificate,
    CertificateRequestAttributes,
    PrivateKey,
    ProviderCertificate,
    TLSCertificatesProvidesV4,
)

logger = logging.getLogger(__name__)

ENDPOINT = 'certificates'
CA_LABEL = 'ca'
CA_VALIDITY = datetime.timedelta(days=30)
CERT_VALIDITY = datetime.timedelta(days=10)


def digest(value: str) -> str:
    """The first 12 hex digits of the SHA-256 of a value (safe to show)."""
    return hashlib.sha256(value.strip().encode()).hexdigest()[:12]


class PyTlsCertificatesProvider(ops.CharmBase):
    """Provides ``certificates`` with the real library."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self.tls = TLSCertificatesProvidesV4(self, ENDPOINT)
        for event in (
            self.on.leader_elected,
            self.on.config_changed,
            self.on[ENDPOINT].relation_joined,
            self.on[ENDPOINT].relation_changed,
        ):
            framework.observe(event, self._issue_outstanding)
        framework.observe(self.on['rotate-ca'].action, self._on_rotate_ca)
        framework.observe(self.on.collect_unit_status, self._on_collect_unit_status)
        self._current: tuple[Certificate, PrivateKey] | None = None

    def _new_ca(self) -> dict[str, str]:
        key = PrivateKey.generate()
        attributes = CertificateRequestAttributes(
            common_name=f'{self.app.name} interop CA', is_ca=True
        )
        ca = Certificate.generate_self_signed_ca(attributes, key, CA_VALIDITY)
        return {'ca-certificate': str(ca), 'private-key': str(key)}

    def _ca(self, rotate: bool = False) -> tuple[Certificate, PrivateKey]:
        """Leader only: the CA, made the first time (or anew with ``rotate``)."""
        if self._current is not None and not rotate:
            return self._current
        try:
            secret = self.model.get_secret(label=CA_LABEL)
            content = secret.get_content(refresh=True)
            if rotate:
                content = self._new_ca()
                secret.set_content(content)
        except ops.SecretNotFoundError:
            content = self._new_ca()
            self.app.add_secret(content, label=CA_LABEL)
        self._current = (
            Certificate.from_string(content['ca-certificate']),
            PrivateKey.from_string(content['private-key']),
        )
        return self._current

    def _issue_outstanding(self, _: ops.EventBase) -> None:
        if not self.unit.is_leader():
            return
        ca, ca_key = self._ca()
        for request in self.tls.get_outstanding_certificate_requests():
            certificate = Certificate.generate(
                csr=request.certificate_signing_request,
                ca=ca,
                ca_private_key=ca_key,
                validity=CERT_VALIDITY,
                is_ca=request.is_ca,
            )
            self.tls.set_relation_certificate(
                ProviderCertificate(
                    relation_id=request.relation_id,
                    certificate=certificate,
                    certificate_signing_request=request.certificate_signing_request,
                    ca=ca,
                    chain=[certificate, ca],
                )
            )
            logger.info(
                'issued %s for relation %d', certificate.common_name, request.relation_id
            )

    def _on_rotate_ca(self, event: ops.ActionEvent) -> None:
        if not self.unit.is_leader():
            event.fail('run this action on the leader')
            return
        ca, _ = self._ca(rotate=True)
        self.tls.revoke_all_certificates()
        event.set_results({'ca-digest': digest(str(ca))})

    def _on_collect_unit_status(self, event: ops.CollectStatusEvent) -> None:
        if not self.unit.is_leader():
            event.add_status(ops.ActiveStatus())
            return
        ca, _ = self._ca()
        issued = len(self.tls.get_issued_certificates())
        event.add_status(ops.ActiveStatus(f'ca={digest(str(ca))} issued={issued}'))


if __name__ == '__main__':
    ops.main(PyTlsCertificatesProvider)
