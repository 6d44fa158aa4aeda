"""A method's family across the network: what it is based on, and who adapted it (and adapted that)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from methods.models import MethodCard
from methods.selectors import methods_visible

MAX_GENERATIONS = 8


@dataclass
class Adaptation:
    """A method based on another one, with the methods based on it in turn."""

    method: MethodCard
    adaptations: list[Adaptation] = field(default_factory=list)


@dataclass(frozen=True)
class Ancestor:
    """A method this one descends from; ``method`` is None when this node does not hold it."""

    iri: str
    method: MethodCard | None


@dataclass(frozen=True)
class Family:
    """The ancestors (nearest first) and the tree of adaptations of one method."""

    ancestors: list[Ancestor]
    adaptations: list[Adaptation]

    @property
    def is_empty(self) -> bool:
        """Whether the method stands alone."""
        return not self.ancestors and not self.adaptations


def method_family(method: MethodCard, *, include_network: bool) -> Family:
    """The method's family among the cards the reader may see, a few generations each way."""
    visible = methods_visible(include_network=include_network)
    return Family(ancestors=_ancestors(method, visible), adaptations=_adaptations(method, visible))


def _ancestors(method: MethodCard, visible: QuerySet[MethodCard]) -> list[Ancestor]:
    ancestors: list[Ancestor] = []
    seen, current = {method.iri}, method
    while current.based_on and current.based_on not in seen and len(ancestors) < MAX_GENERATIONS:
        seen.add(current.based_on)
        found = visible.filter(iri=current.based_on).first()
        ancestors.append(Ancestor(iri=current.based_on, method=found))
        if found is None:
            break
        current = found
    return ancestors


def _adaptations(method: MethodCard, visible: QuerySet[MethodCard]) -> list[Adaptation]:
    roots: list[Adaptation] = []
    nodes = {method.iri: Adaptation(method=method, adaptations=roots)}
    frontier = [method.iri]
    for _generation in range(MAX_GENERATIONS):
        children = list(visible.filter(based_on__in=frontier).exclude(iri__in=nodes).order_by("title", "pk"))
        if not children:
            break
        for child in children:
            nodes[child.iri] = Adaptation(method=child)
            nodes[child.based_on].adaptations.append(nodes[child.iri])
        frontier = [child.iri for child in children]
    return roots
