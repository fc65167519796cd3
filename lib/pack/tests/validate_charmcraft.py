"""Validates a charm's charmcraft.yaml with charmcraft's own project model (the checks
`charmcraft pack` runs before building), including the default part charmcraft adds when `parts`
is absent.

Run: .cache/charmcraft-venv/bin/python lib/pack/tests/validate_charmcraft.py <charm dir>
"""
import pathlib
import sys

import yaml
from charmcraft import preprocess
from charmcraft.models.project import CharmcraftProject

if len(sys.argv) != 2:
    sys.exit("usage: validate_charmcraft.py <charm dir>")
charm_dir = pathlib.Path(sys.argv[1]).resolve()
data = yaml.safe_load((charm_dir / "charmcraft.yaml").read_text())
preprocess.add_default_parts(data)
preprocess.add_metadata(charm_dir, data)
preprocess.add_config(charm_dir, data)
preprocess.add_actions(charm_dir, data)
project = CharmcraftProject.unmarshal(data)
print(
    f"valid: {project.name} ({type(project).__name__}), platforms {sorted(project.platforms)}, "
    f"requires {sorted(project.requires or {})}, provides {sorted(project.provides or {})}, "
    f"peers {sorted(project.peers or {})}, options {sorted((project.config or {}).get('options', {}))}, "
    f"actions {sorted(project.actions or {})}"
)
sys.exit(0)
