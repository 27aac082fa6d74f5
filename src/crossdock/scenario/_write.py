"""Write a scenario spec back to a YAML file that ``load_scenario`` reads.

Stores and products are written one flow mapping a line, so a file with tens of thousands of
products stays readable and diffable; everything else is block YAML.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from crossdock._files import write_file
from crossdock.scenario._schema import ScenarioSpec

__all__ = ["write_spec"]


def _flow_list(items: list[dict]) -> str:
    lines = []
    for item in items:
        text = yaml.safe_dump(
            item, default_flow_style=True, sort_keys=False, width=10_000, allow_unicode=True
        )
        lines.append(f"  - {text.strip()}")
    return "\n".join(lines)


def write_spec(spec: ScenarioSpec, path: str | Path, *, header: str = "") -> Path:
    """Write ``spec`` to ``path`` (``header``: comment lines put first); return the path."""
    data = spec.model_dump(mode="json", exclude_none=True)
    block = {k: v for k, v in data.items() if k not in ("stores", "products")}
    text = header + yaml.safe_dump(block, sort_keys=False, allow_unicode=True, width=100)
    text += "stores:\n" + _flow_list(data["stores"]) + "\n"
    text += "products:\n" + _flow_list(data["products"]) + "\n"
    return write_file(path, text.encode("utf-8"))
