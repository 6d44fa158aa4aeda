"""Signed items in bulk, inside a node: ``python -m bench.generate items|changes|experience …``.

Run in the node's environment (``BenchNode.run``). ``items`` builds each item in memory, makes its
document with the node's codecs, signs it with the node's key (``sign_jcs``, the proof's ``created``
being the item's modification time, so the same seed gives the same documents byte for byte) and
writes rows, steps and change-log entries with ``bulk_create``, at consecutive positions taken under
the change log's lock. ``changes`` edits existing items through the real services. The random
generator is seeded; ``--first`` continues a node's numbering so items can be added in rounds.
``experience`` adds labs in several cities, method cards and signed experience reports about them (a
few methods tried often, most rarely), then counts every method's figures as the services keep them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import django

BATCH = 1000
EPOCH = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generate")
    commands = parser.add_subparsers(dest="command", required=True)
    items = commands.add_parser("items", help="add signed method cards and events")
    items.add_argument("--count", type=int, required=True)
    items.add_argument("--first", type=int, default=0, help="number of the first item (continue a node's items)")
    items.add_argument("--seed", type=int, default=1)
    changes = commands.add_parser("changes", help="change existing items through the services")
    changes.add_argument("--count", type=int, required=True)
    changes.add_argument("--seed", type=int, default=1)
    experience = commands.add_parser("experience", help="add labs, method cards and experience reports about them")
    experience.add_argument("--methods", type=int, required=True)
    experience.add_argument("--reports", type=int, required=True)
    experience.add_argument("--labs", type=int, default=40)
    experience.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    django.setup()
    started = time.perf_counter()
    if args.command == "items":
        summary = items_add(count=args.count, first=args.first, seed=args.seed)
    elif args.command == "changes":
        summary = items_change(count=args.count, seed=args.seed)
    else:
        summary = experience_add(methods=args.methods, reports=args.reports, labs=args.labs, seed=args.seed)
    print(json.dumps(summary | {"seconds": round(time.perf_counter() - started, 3)}))


def items_add(*, count: int, first: int, seed: int) -> dict:
    """Add ``count`` items numbered from ``first``: about half method cards, half events."""
    from hub.models import Lab
    from hub.selectors import local_node

    node = local_node()
    lab = Lab.objects.filter(origin=node).order_by("pk").first()
    writer = _Writer(node, lab)
    for start in range(first, first + count, BATCH):
        numbers = range(start, min(start + BATCH, first + count))
        writer.write([_item(random.Random(seed * 1_000_003 + number), number, node, lab) for number in numbers])
    return {"items": count, "first": first, "positions": writer.positions}


def items_change(*, count: int, seed: int) -> dict:
    """Change ``count`` of this node's items through ``method_update`` and ``event_update``."""
    from events.models import Event
    from events.services import event_update
    from hub.roles import SYSTEM
    from methods.models import MethodCard
    from methods.services import method_update

    rng = random.Random(seed)
    methods = list(MethodCard.objects.filter(origin__is_local=True).order_by("pk").values_list("pk", flat=True))
    events = list(Event.objects.filter(origin__is_local=True).order_by("pk").values_list("pk", flat=True))
    for number in range(count):
        word = rng.choice(_words("de"))
        if number % 2 == 0 and methods:
            method = MethodCard.objects.get(pk=rng.choice(methods))
            method_update(method=method, actor=SYSTEM, summary=f"{method.summary} Neu: {word}.")
        else:
            event = Event.objects.get(pk=rng.choice(events))
            event_update(event=event, actor=SYSTEM, description=f"{event.description} Neu: {word}.")
    return {"changes": count}


CITIES = ("Wiesbaden", "Mönchengladbach", "Berlin", "Leipzig", "Ulm", "Kiel", "Dortmund", "Freiburg", "Jena", "Bremen")


def experience_add(*, methods: int, reports: int, labs: int, seed: int) -> dict:
    """Add ``labs`` labs in ten cities, ``methods`` method cards and ``reports`` signed experience reports.

    A method's share of the reports falls with its rank (the n-th about 1/n^0.8 of the first's), so a few
    are tried thousands of times and most a handful; reports come from labs drawn at random. Every
    method's figures are then counted as the services keep them (``method_experience_recount_all``).
    """
    from experience.services import method_experience_recount_all
    from hub.roles import SYSTEM
    from hub.selectors import local_node
    from hub.services.labs import lab_create

    rng = random.Random(seed)
    node = local_node()
    made = [lab_create(actor=SYSTEM, name=f"Stadtlabor {number}", city=CITIES[number % len(CITIES)],
                       slug=f"stadtlabor-{number}") for number in range(labs)]
    writer = _Writer(node, made[0])
    cards = []
    for start in range(0, methods, BATCH):
        batch = [_method(random.Random(seed * 1_000_003 + n), n, node, made[n % labs])
                 for n in range(start, min(start + BATCH, methods))]
        writer.write(batch)
        cards += [method for method, _steps in batch]
    weights = list(itertools.accumulate(1 / (rank ** 0.8) for rank in range(1, methods + 1)))
    for start in range(0, reports, BATCH):
        count = min(BATCH, reports - start)
        targets = rng.choices(cards, cum_weights=weights, k=count)
        writer.write([(_report(rng, start + n, node, rng.choice(made), method), []) for n, method in enumerate(targets)])
    with_figures = method_experience_recount_all()
    return {"labs": labs, "methods": methods, "reports": reports, "methods_with_reports": with_figures,
            "positions": writer.positions}


def _report(rng: random.Random, number: int, node, lab, method):
    from experience.models import ExperienceReport
    from hub.choices import TargetGroup, Visibility

    modified = EPOCH + timedelta(minutes=number)
    identifier = uuid.UUID(int=rng.getrandbits(128), version=4)
    return ExperienceReport(
        uuid=identifier, iri=f"{node.iri}reports/{identifier}", origin=node, version=1,
        visibility=Visibility.NETWORK if rng.random() < 0.1 else Visibility.PUBLIC,
        date_created=modified, date_modified=modified, method_iri=method.iri, lab_id=lab.iri,
        date=(EPOCH - timedelta(days=rng.randint(0, 900))).date(), participants=rng.randint(3, 60),
        target_groups=rng.sample(TargetGroup.values, rng.randint(0, 3)), time_needed=rng.choice([None, 60, 90, 120, 180]),
        fit=rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 5, 3])[0], staircase_step=rng.choices(range(1, 8),
                                                                                                  weights=[6, 8, 7, 4, 2, 1, 1])[0],
        worked=_sentences(rng, "de", rng.randint(1, 3), 8, 16), adapted=_sentences(rng, "de", rng.randint(0, 2), 6, 12),
        watch_out=_sentences(rng, "de", rng.randint(0, 2), 6, 12),
    )


class _Writer:
    """Writes batches of built items with their documents at the next positions of the change log."""

    def __init__(self, node, lab) -> None:
        from federation.codecs import key_id
        from hub.identity import key_load

        self.node, self.lab = node, lab
        self.key, self.key_id = key_load(), key_id(node.iri)
        self.positions: list[int] = []
        self.checked = False

    def write(self, built: list[tuple]) -> None:
        from django.db import transaction

        from events.models import Event
        from experience.models import ExperienceReport
        from hub.models import ChangeLogEntry, ChangeLogSequence
        from methods.models import MethodCard, MethodStep

        documents = [self._signed(item, steps) for item, steps in built]
        if not self.checked:
            self._check(documents[:5])
        with transaction.atomic():
            sequence, _ = ChangeLogSequence.objects.select_for_update().get_or_create(pk=1)
            first = sequence.last_position + 1
            sequence.last_position += len(built)
            sequence.save(update_fields=["last_position"])
            methods = [(item, steps) for item, steps in built if isinstance(item, MethodCard)]
            MethodCard.objects.bulk_create([item for item, _ in methods])
            MethodStep.objects.bulk_create(
                MethodStep(method=item, position=step.position, title=step.title, text=step.text)
                for item, steps in methods for step in steps
            )
            Event.objects.bulk_create([item for item, _ in built if isinstance(item, Event)])
            ExperienceReport.objects.bulk_create([item for item, _ in built if isinstance(item, ExperienceReport)])
            ChangeLogEntry.objects.bulk_create(
                ChangeLogEntry(
                    iri=item.iri, item_type=type(item).__name__, origin=self.node, version=item.version,
                    visibility=item.visibility, document=document, position=first + offset,
                    recorded_at=item.date_modified,
                )
                for offset, ((item, _), document) in enumerate(zip(built, documents, strict=True))
            )
        self.positions = [self.positions[0] if self.positions else first, first + len(built) - 1]

    def _signed(self, item, steps) -> str:
        import orjson

        from federation.codecs import to_document
        from federation.codecs.methods import method_to_document
        from federation.proofs import sign_jcs
        from methods.models import MethodCard

        document = method_to_document(item, steps) if isinstance(item, MethodCard) else to_document(item)
        created = item.date_modified.strftime("%Y-%m-%dT%H:%M:%SZ")
        return orjson.dumps(sign_jcs(document, self.key, self.key_id, created=created)).decode()

    def _check(self, documents: list[str]) -> None:
        """Fail early if the generator writes documents that a mirror would refuse."""
        import orjson

        from federation.codecs import from_document
        from federation.proofs import verify
        from hub.multikey import decode_public_key

        public = decode_public_key(self.node.public_key_multibase)
        for text in documents:
            document = orjson.loads(text)
            from_document(document)
            verify(document, lambda url: public)
        self.checked = True


def _item(rng: random.Random, number: int, node, lab) -> tuple:
    """Item number ``number``: a method card with its steps, or an event (with no steps)."""
    return _method(rng, number, node, lab) if rng.random() < 0.5 else (_event(rng, number, node, lab), [])


def _method(rng: random.Random, number: int, node, lab) -> tuple:
    from hub.choices import Difficulty, License, Phase, TargetGroup, Visibility
    from methods.models import MethodCard, MethodStep

    language = "en" if rng.random() < 0.25 else "de"
    modified = EPOCH + timedelta(minutes=number)
    identifier = uuid.UUID(int=rng.getrandbits(128), version=4)
    title = _title(rng, language)
    shortest = rng.choice([None, 15, 30, 45, 60, 90, 120, 180])
    smallest = rng.choice([None, 1, 2, 4, 6, 10])
    method = MethodCard(
        uuid=identifier, iri=f"{node.iri}methods/{identifier}", origin=node, version=1,
        visibility=Visibility.NETWORK if rng.random() < 0.1 else Visibility.PUBLIC,
        date_created=modified, date_modified=modified, title=title, slug=f"methode-{number}",
        language=language, summary=_sentences(rng, language, 1, 12, 24), added_value=_sentences(rng, language, 1, 8, 16),
        body="\n\n".join(_sentences(rng, language, 3, 10, 20) for _ in range(rng.randint(2, 4))),
        phase=rng.choice(Phase.values), duration_min=shortest,
        duration_max=None if shortest is None else shortest * rng.choice([1, 2, 3]),
        difficulty=rng.choice(["", *Difficulty.values]), group_size_min=smallest,
        group_size_max=None if smallest is None else smallest * rng.choice([2, 5, 10]),
        materials=_words_sample(rng, language, rng.randint(0, 4)), roles=_words_sample(rng, language, rng.randint(0, 2)),
        tips=_sentences(rng, language, rng.randint(0, 2), 8, 14), background="",
        target_groups=rng.sample(TargetGroup.values, rng.randint(0, 2)), accessibility_notes="",
        license=rng.choice(License.values), lab_id=lab.iri,
        keywords=[word.capitalize() for word in _words_sample(rng, language, rng.randint(1, 4))],
    )
    steps = [
        MethodStep(position=position, title=_title(rng, language), text=_sentences(rng, language, 1, 10, 25))
        for position in range(1, rng.randint(3, 6) + 1)
    ]
    return method, steps


def _event(rng: random.Random, number: int, node, lab):
    from bench.words import PLACES, STREETS
    from events.models import Event
    from hub.choices import (
        EXTERNAL_REGISTRATION,
        AccessibilityFeature,
        AttendanceMode,
        Registration,
        TargetGroup,
        Visibility,
    )

    language = "en" if rng.random() < 0.25 else "de"
    modified = EPOCH + timedelta(minutes=number)
    identifier = uuid.UUID(int=rng.getrandbits(128), version=4)
    start = EPOCH + timedelta(days=rng.randint(0, 900), hours=rng.randint(9, 19))
    mode = rng.choices(AttendanceMode.values, weights=[8, 1, 1])[0]
    in_person = mode != AttendanceMode.ONLINE
    with_geo = in_person and rng.random() < 0.3
    # The modes of a registration link (as before registration on the node existed: same seeded items).
    registration = rng.choice([Registration.NONE, *EXTERNAL_REGISTRATION])
    return Event(
        uuid=identifier, iri=f"{node.iri}events/{identifier}", origin=node, version=1,
        visibility=Visibility.NETWORK if rng.random() < 0.1 else Visibility.PUBLIC,
        date_created=modified, date_modified=modified, title=_title(rng, language),
        description="\n\n".join(_sentences(rng, language, 2, 10, 20) for _ in range(rng.randint(1, 3))),
        start=start, end=start + timedelta(minutes=rng.choice([60, 90, 120, 180, 480])),
        timezone="Europe/Berlin", attendance_mode=mode,
        place_name=rng.choice(PLACES) if in_person else "",
        place_address=f"{rng.choice(STREETS)} {rng.randint(1, 120)}, {lab.city}" if in_person else "",
        latitude=round(rng.uniform(47.5, 54.5), 6) if with_geo else None,
        longitude=round(rng.uniform(6.0, 14.5), 6) if with_geo else None,
        online_url="" if in_person and mode == AttendanceMode.IN_PERSON else f"https://meet.example.org/{identifier.hex[:10]}",
        lab_id=lab.iri, target_groups=rng.sample(TargetGroup.values, rng.randint(0, 2)), languages=[language],
        is_free=rng.random() < 0.8, accessibility_features=rng.sample(AccessibilityFeature.values, rng.randint(0, 3)),
        accessibility_notes="", capacity=rng.choice([None, 12, 20, 30, 50, 100]), registration=registration,
        registration_url=f"https://anmeldung.example.org/{identifier.hex[:10]}" if registration != Registration.NONE else "",
        keywords=[word.capitalize() for word in _words_sample(rng, language, rng.randint(0, 3))],
    )


def _title(rng: random.Random, language: str) -> str:
    return " ".join(word.capitalize() for word in _draw(rng, language, rng.randint(2, 4)))


def _sentences(rng: random.Random, language: str, count: int, shortest: int, longest: int) -> str:
    sentences = []
    for _ in range(count):
        words = _draw(rng, language, rng.randint(shortest, longest))
        sentences.append(" ".join([words[0].capitalize(), *words[1:]]) + ".")
    return " ".join(sentences)


def _words_sample(rng: random.Random, language: str, count: int) -> list[str]:
    return list(dict.fromkeys(_draw(rng, language, count)))


def _words(language: str) -> list[str]:
    from bench.words import ENGLISH, GERMAN

    return ENGLISH if language == "en" else GERMAN


_WEIGHTS: dict[str, list[float]] = {}


def _draw(rng: random.Random, language: str, count: int) -> list[str]:
    """``count`` words, the n-th commonest about 1/n as often as the first."""
    words = _words(language)
    if language not in _WEIGHTS:
        _WEIGHTS[language] = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))
    return rng.choices(words, cum_weights=_WEIGHTS[language], k=count)


if __name__ == "__main__":
    main(sys.argv[1:])
