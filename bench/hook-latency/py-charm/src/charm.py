#!/usr/bin/env python3
"""The hook-latency benchmark charm, Python side.

On config-changed it reads config, writes one key to its relation databag and sets active
status: the same charm as ../ts-charm/src/charm.ts, written with ops.
"""

import ops


class BenchCharm(ops.CharmBase):
    """The benchmark charm."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.config_changed, self._on_config_changed)

    def _on_config_changed(self, _event: ops.ConfigChangedEvent) -> None:
        """Publish the greeting and report it in the status."""
        greeting = str(self.config.get("greeting", "hello"))
        relation = self.model.get_relation("website")
        if relation is not None:
            relation.data[self.unit]["greeting"] = greeting
        self.unit.status = ops.ActiveStatus(greeting)


if __name__ == "__main__":
    ops.main(BenchCharm)
