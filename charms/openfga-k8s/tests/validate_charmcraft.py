"""Validates charmcraft.yaml with charmcraft's own project model (the checks `charmcraft pack`
runs before building), including the default part charmcraft adds when `parts` is absent.

Run: .cache/charmcraft-venv/bin/python charms/openfga-k8s/tests/validate_charmcraft.py
"""
import pathlib
import sys

import yaml
from charmcraft import preprocess
from charmcraft.models.project import CharmcraftProject

charm_dir = pathlib.Path(__file__).resolve().parent.parent
data = yaml.safe_load((charm_dir / "charmcraft.yaml").read_text())
preprocess.add_default_parts(data)
preprocess.add_metadata(charm_dir, data)
preprocess.add_config(charm_dir, data)
preprocess.add_actions(charm_dir, data)
project = CharmcraftProject.unmarshal(data)
print(
    f"valid: {project.name} ({type(project).__name__}), platforms {sorted(project.platforms)}, "
    f"requires {sorted(project.requires)}, provides {sorted(project.provides)}, "
    f"peers {sorted(project.peers)}, options {sorted(project.config['options'])}, "
    f"actions {sorted(project.actions)}"
)
sys.exit(0)
