"""A schematic map of the bank's places: no tiles, no coordinates, no script.

Each region (the division above the branches; the head office is a region of its own) is a
panel; its places sit in a grid in postal-code order, so neighbours on the map are roughly
neighbours on the ground. The layout is computed here as numbers and drawn by a template as
SVG attributes (no style= attributes: the Content Security Policy forbids them). Two layouts
are drawn, a wide one and a narrow one for phones; CSS shows one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NODE_R = 16
CELL_W = 112
CELL_H = 78
PANEL_PAD = 14
PANEL_HEAD = 30
PANEL_GAP = 16


@dataclass
class Node:
    location_id: int
    name: str
    label: str  # shortened to fit under the node
    count: int
    mine: bool
    x: int = 0
    y: int = 0

    @property
    def level(self) -> str:
        """CSS class suffix for the coverage: none, one, several."""
        return "none" if self.count == 0 else ("one" if self.count == 1 else "many")

    @property
    def label_y(self) -> int:
        return self.y + NODE_R + 16

    @property
    def count_y(self) -> int:
        return self.y + 5


@dataclass
class Panel:
    region: str
    nodes: list[Node]
    x: int = 0
    y: int = 0
    width: int = 0
    height: int = 0

    @property
    def title_x(self) -> int:
        return self.x + PANEL_PAD

    @property
    def title_y(self) -> int:
        return self.y + 21

    @property
    def covered(self) -> int:
        return sum(1 for n in self.nodes if n.count)


@dataclass
class Layout:
    width: int
    height: int
    panels: list[Panel] = field(default_factory=list)


def _label(name: str, limit: int = 15) -> str:
    for prefix in ("Filiale ", "Geschäftsstelle ", "Branch "):
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix) :]
    return name if len(name) <= limit else name[: limit - 1] + "…"


def layout(regions: list[tuple[str, list[Node]]], *, columns: int, per_row: int) -> Layout:
    """Place panels in ``columns`` columns (each panel ``per_row`` places wide), filling the
    shortest column first so the map stays compact."""
    panel_w = per_row * CELL_W + 2 * PANEL_PAD
    heights = [PANEL_GAP] * columns
    placed: list[Panel] = []
    for region, nodes in regions:
        rows = max(1, -(-len(nodes) // per_row))
        col = heights.index(min(heights))
        panel = Panel(
            region=region,
            nodes=[],
            x=PANEL_GAP + col * (panel_w + PANEL_GAP),
            y=heights[col],
            width=panel_w,
            height=PANEL_HEAD + rows * CELL_H + PANEL_PAD,
        )
        for i, node in enumerate(nodes):
            row, pos = divmod(i, per_row)
            panel.nodes.append(
                Node(
                    location_id=node.location_id,
                    name=node.name,
                    label=_label(node.name),
                    count=node.count,
                    mine=node.mine,
                    x=panel.x + PANEL_PAD + pos * CELL_W + CELL_W // 2,
                    y=panel.y + PANEL_HEAD + row * CELL_H + NODE_R + 6,
                )
            )
        heights[col] += panel.height + PANEL_GAP
        placed.append(panel)
    width = PANEL_GAP + columns * (panel_w + PANEL_GAP)
    return Layout(width=width, height=max(heights), panels=placed)
