#!/usr/bin/env python3
"""The Python side of the local model's fidelity test, written with the real ``ops``.

Every hook tool ``ops`` uses goes through the local model here: config-get (typed options),
is-leader, relation-ids/-list/-get/-set on a regular and a peer relation (unit and application
bags), status-set/-get (unit and application, through collect-status), secret-add (application
and unit owners), secret-grant over a relation, secret-get by id and by label with --peek and
--refresh, secret-set, secret-info-get, secret-remove, open-port/close-port/opened-ports,
network-get, relation-model-get, credential-get (the application is trusted),
action-get/-set/-log/-fail, juju-log, goal-state (planned units), application-version-set, and
state-get/-set/-delete: with ``use_juju_for_storage`` ops keeps its framework state and this
charm's StoredState in Juju's charm state instead of a local SQLite file (its default on
Kubernetes), so every dispatch also proves that charm state commits with the hook.

What it publishes never holds a secret value: only short SHA-256 digests of tokens.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import ops

logger = logging.getLogger(__name__)

SHARE = 'share'
CLUSTER = 'cluster'
APP_SECRET_LABEL = 'py-app'
UNIT_SECRET_LABEL = 'py-unit'
TS_SECRET_LABEL = 'ts-token'


def digest(token: str) -> str:
    """The first 12 hex digits of the SHA-256 of a token (safe to publish)."""
    return hashlib.sha256(token.encode()).hexdigest()[:12]


class FidelityCharm(ops.CharmBase):
    """The fidelity charm, Python side."""

    _stored = ops.StoredState()

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self._stored.set_default(dispatches=0, ts_changes=0)
        observe = framework.observe
        observe(self.on.install, self._on_install)
        observe(self.on.leader_elected, self._on_leader_elected)
        observe(self.on.config_changed, self._on_config_changed)
        observe(self.on[CLUSTER].relation_joined, self._on_cluster_membership)
        observe(self.on[CLUSTER].relation_departed, self._on_cluster_membership)
        observe(self.on[SHARE].relation_created, self._on_share_created)
        observe(self.on[SHARE].relation_changed, self._on_share_changed)
        observe(self.on[SHARE].relation_departed, self._on_share_departed)
        observe(self.on[SHARE].relation_broken, self._on_share_broken)
        observe(self.on.secret_changed, self._on_secret_changed)
        observe(self.on.secret_remove, self._on_secret_remove)
        observe(self.on.greet_action, self._on_greet)
        observe(self.on.fail_action, self._on_fail)
        observe(self.on.rotate_action, self._on_rotate)
        observe(self.on.inspect_action, self._on_inspect)
        observe(self.on.collect_unit_status, self._on_collect_unit_status)
        observe(self.on.collect_app_status, self._on_collect_app_status)
        observe(framework.on.pre_commit, self._on_pre_commit)

    # ---- lifecycle ---------------------------------------------------------------------------

    def _on_install(self, _event: ops.InstallEvent) -> None:
        logger.info('installing %s', self.unit.name)

    def _on_leader_elected(self, _event: ops.LeaderElectedEvent) -> None:
        cluster = self.model.get_relation(CLUSTER)
        if cluster is None:
            return
        self._app_secret_id(cluster)
        cluster.data[self.app]['leader'] = self.unit.name
        self._publish_members(cluster)

    def _app_secret_id(self, cluster: ops.Relation) -> str:
        """The id of the application secret, which the leader adds the first time it is needed.

        Juju runs relation-created before leader-elected when a relation exists at deploy time,
        so either hook may come first.
        """
        bag = cluster.data[self.app]
        secret_id = bag.get('app-secret-id')
        if secret_id is None:
            secret = self.app.add_secret(
                {'token': 'py-app-r1'},
                label=APP_SECRET_LABEL,
                description='fidelity application token',
                rotate=ops.SecretRotate.DAILY,
            )
            assert secret.id is not None
            secret_id = bag['app-secret-id'] = secret.id
        return secret_id

    def _on_config_changed(self, _event: ops.ConfigChangedEvent) -> None:
        greeting = str(self.config['greeting'])
        port = int(self.config['port'])
        self.unit.set_ports(port)
        self.unit.set_workload_version(f'ops-{ops.__version__}')
        cluster = self.model.get_relation(CLUSTER)
        if cluster is not None:
            cluster.data[self.unit]['greeting'] = greeting
        if self.unit.is_leader():
            for relation in self.model.relations[SHARE]:
                relation.data[self.app].update({'greeting': greeting, 'port': str(port)})

    # ---- peers -------------------------------------------------------------------------------

    def _publish_members(self, cluster: ops.Relation) -> None:
        members = sorted({self.unit.name, *(u.name for u in cluster.units)})
        cluster.data[self.app]['members'] = ','.join(members)

    def _on_cluster_membership(self, event: ops.RelationEvent) -> None:
        if self.unit.is_leader():
            self._publish_members(event.relation)

    # ---- the share relation ------------------------------------------------------------------

    def _on_share_created(self, event: ops.RelationCreatedEvent) -> None:
        relation = event.relation
        own = self._unit_secret()
        own.grant(relation)
        binding = self.model.get_binding(relation)
        assert binding is not None
        relation.data[self.unit].update(
            {
                'unit-secret-id': own.id or '',
                'bind-address': str(binding.network.bind_address),
            }
        )
        if self.unit.is_leader():
            cluster = self.model.get_relation(CLUSTER)
            assert cluster is not None
            secret_id = self._app_secret_id(cluster)
            app_secret = self.model.get_secret(id=secret_id)
            app_secret.grant(relation)
            relation.data[self.app].update(
                {
                    'secret-id': secret_id,
                    'greeting': str(self.config['greeting']),
                    'port': str(self.config['port']),
                }
            )

    def _unit_secret(self) -> ops.Secret:
        try:
            return self.model.get_secret(label=UNIT_SECRET_LABEL)
        except ops.SecretNotFoundError:
            return self.unit.add_secret(
                {'token': f'{self.unit.name}-r1'},
                label=UNIT_SECRET_LABEL,
                description=f'token of {self.unit.name}',
            )

    def _on_share_changed(self, event: ops.RelationChangedEvent) -> None:
        relation = event.relation
        assert relation.app is not None
        units = sorted(u.name for u in relation.units)
        bag = relation.data[self.unit]
        bag['ts-units'] = ','.join(units)
        secret_id = relation.data[relation.app].get('secret-id')
        if secret_id:
            secret = self.model.get_secret(id=secret_id, label=TS_SECRET_LABEL)
            bag['ts-digest'] = digest(secret.get_content()['token'])

    def _on_share_departed(self, event: ops.RelationDepartedEvent) -> None:
        assert event.departing_unit is not None
        relation = event.relation
        logger.info(
            '%s departed from %s:%d', event.departing_unit.name, relation.name, relation.id
        )

    def _on_share_broken(self, _event: ops.RelationBrokenEvent) -> None:
        # The unit's own secret was only for the related application: remove it.
        self._unit_secret().remove_all_revisions()

    # ---- secrets -----------------------------------------------------------------------------

    def _on_secret_changed(self, event: ops.SecretChangedEvent) -> None:
        if event.secret.label != TS_SECRET_LABEL:
            logger.warning('unexpected secret-changed for %s', event.secret.label)
            return
        tracked = event.secret.get_content()['token']
        latest = event.secret.peek_content()['token']
        refreshed = event.secret.get_content(refresh=True)['token']
        self._stored.ts_changes += 1
        for relation in self.model.relations[SHARE]:
            relation.data[self.unit].update(
                {
                    'ts-seen': f'{digest(tracked)}>{digest(latest)}',
                    'ts-digest': digest(refreshed),
                }
            )

    def _on_secret_remove(self, event: ops.SecretRemoveEvent) -> None:
        logger.info('removing revision %d of %s', event.revision, event.secret.label)
        event.remove_revision()

    # ---- actions -----------------------------------------------------------------------------

    def _on_greet(self, event: ops.ActionEvent) -> None:
        name = str(event.params['name'])
        times = int(event.params['times'])
        event.log(f'composing a greeting for {name}')
        text = ' '.join([f'{self.config["greeting"]}, {name}!'] * times)
        logger.info('greeted %s %d times', name, times)
        event.set_results({'greeting': {'text': text, 'times': times}, 'unit': self.unit.name})

    def _on_fail(self, event: ops.ActionEvent) -> None:
        event.set_results({'partial': 'yes'})
        event.fail(f'failed {event.params["reason"]}')

    def _on_rotate(self, event: ops.ActionEvent) -> None:
        secret = self.model.get_secret(label=UNIT_SECRET_LABEL)
        current = secret.get_content(refresh=True)['token']
        base, _, revision = current.rpartition('-r')
        token = f'{base}-r{int(revision) + 1}'
        secret.set_content({'token': token})
        if event.params['track-new']:
            # Juju (3.1.7, 3.3.1 and later) tracks revisions for the owner as for any consumer:
            # track the new one, or the old one stays in use (and is never removed).
            secret.get_content(refresh=True)
        event.set_results({'digest': digest(token)})

    def _on_inspect(self, event: ops.ActionEvent) -> None:
        event.set_results({'view': json.dumps(self._view(), sort_keys=True)})

    def _view(self) -> dict[str, Any]:
        """What this unit sees of the model, through ops."""
        view: dict[str, Any] = {
            'unit': self.unit.name,
            'app': self.app.name,
            'model': self.model.name,
            'model-uuid': self.model.uuid,
            'leader': self.unit.is_leader(),
            'planned-units': self.app.planned_units(),
            'config': dict(self.config),
            'ports': sorted(f'{p.port}/{p.protocol}' for p in self.unit.opened_ports()),
            'unit-status': [self.unit.status.name, self.unit.status.message],
            'dispatches': self._stored.dispatches,
            'ts-changes': self._stored.ts_changes,
        }
        spec = self.model.get_cloud_spec()
        view['cloud'] = {'type': spec.type, 'name': spec.name, 'region': spec.region}
        cluster = self.model.get_relation(CLUSTER)
        if cluster is not None:
            view['cluster'] = {
                'id': cluster.id,
                'units': sorted(u.name for u in cluster.units),
                'app-data': dict(cluster.data[self.app]),
                'peer-greetings': {u.name: cluster.data[u].get('greeting') for u in cluster.units},
            }
        network = self.model.get_binding(SHARE)
        assert network is not None
        view['network'] = {
            'bind-address': str(network.network.bind_address),
            'ingress-address': str(network.network.ingress_address),
            'egress-subnets': [str(s) for s in network.network.egress_subnets],
        }
        share = self.model.get_relation(SHARE)
        if share is not None and share.app is not None:
            view['share'] = {
                'id': share.id,
                'remote-app': share.app.name,
                'units': sorted(u.name for u in share.units),
                'app-data': dict(share.data[share.app]),
                'remote-model-uuid': share.remote_model.uuid,
                'ts-token': digest(
                    self.model.get_secret(label=TS_SECRET_LABEL).get_content()['token']
                ),
            }
        own = self.model.get_secret(label=UNIT_SECRET_LABEL).get_info() if share else None
        if own is not None:
            view['unit-secret'] = {'revision': own.revision, 'label': own.label}
        if self.unit.is_leader():
            view['app-status'] = [self.app.status.name, self.app.status.message]
            info = self.model.get_secret(label=APP_SECRET_LABEL).get_info()
            view['app-secret'] = {
                'revision': info.revision,
                'label': info.label,
                'description': info.description,
                'rotation': info.rotation.value if info.rotation else None,
                'rotates': info.rotates is not None,
            }
        return view

    # ---- status and state --------------------------------------------------------------------

    def _on_collect_unit_status(self, event: ops.CollectStatusEvent) -> None:
        if not self.model.relations[SHARE]:
            event.add_status(ops.WaitingStatus('waiting for the share relation'))
        event.add_status(ops.ActiveStatus(f'serving {self.config["greeting"]}'))

    def _on_collect_app_status(self, event: ops.CollectStatusEvent) -> None:
        event.add_status(ops.ActiveStatus(f'{self.app.planned_units()} units'))

    def _on_pre_commit(self, _event: ops.PreCommitEvent) -> None:
        self._stored.dispatches += 1


if __name__ == '__main__':
    ops.main(FidelityCharm, use_juju_for_storage=True)
