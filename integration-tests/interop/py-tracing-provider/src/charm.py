#!/usr/bin/env python3
"""tracing provider built on the published ``charmlibs-interfaces-tracing`` library.

Like tempo, the leader publishes on every relation one receiver for each protocol its requirers
asked for: the OTLP receivers at the application's cluster address (the grpc one without a
scheme), zipkin at the unit's ingress address on this relation (``network-get``), and jaeger
at the cluster address. Its status shows the protocols it parsed from the requirers' databags.
"""

from __future__ import annotations

import logging

import ops
from charmlibs.interfaces.tracing import (
    RequestEvent,
    TracingEndpointProvider,
    TracingRequirerAppData,
)

logger = logging.getLogger(__name__)

PORTS = {
    'zipkin': 9411,
    'otlp_grpc': 4317,
    'otlp_http': 4318,
    'jaeger_grpc': 14250,
    'jaeger_thrift_http': 14268,
}


class PyTracingProvider(ops.CharmBase):
    """Provides ``tracing`` with the real library."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self.tracing = TracingEndpointProvider(self)
        framework.observe(self.tracing.on.request, self._on_request)
        framework.observe(self.on.collect_unit_status, self._on_collect_unit_status)

    def _url(self, protocol: str, relation: ops.Relation) -> str:
        host = f'{self.app.name}.{self.model.name}.svc.cluster.local'
        if protocol == 'zipkin':
            binding = self.model.get_binding(relation)
            if binding is not None and binding.network.ingress_address is not None:
                host = str(binding.network.ingress_address)
        if protocol.endswith('_grpc'):
            return f'{host}:{PORTS[protocol]}'
        return f'http://{host}:{PORTS[protocol]}'

    def _on_request(self, event: RequestEvent) -> None:
        if not self.unit.is_leader():
            return
        requested = sorted(self.tracing.requested_protocols())
        self.tracing.publish_receivers([(p, self._url(p, event.relation)) for p in requested])
        logger.info('receivers published: %s', ','.join(requested))

    def _on_collect_unit_status(self, event: ops.CollectStatusEvent) -> None:
        served = []
        for relation in self.tracing.relations:
            if relation.app is None or not self.tracing.is_requirer_ready(relation):
                continue
            protocols = TracingRequirerAppData.load(relation.data[relation.app]).receivers
            served.append(f'{relation.app.name} requested={",".join(protocols)}')
        event.add_status(ops.ActiveStatus(f'serving {"; ".join(served)}' if served else ''))


if __name__ == '__main__':
    ops.main(PyTracingProvider)
