"""The feedback figures of an event: answers per face and the quotes staff published, read from the answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from events.models import MOST_QUOTES, ClosingReport, Event, FeedbackAnswer, FeedbackRating

FACES = tuple(FeedbackRating.values)  # 1 … 5, the saddest first


def feedback_figures(event: Event) -> tuple[list[int], list[str]]:
    """The answers of this node's event per face (five counts, the saddest first) and its published quotes."""
    counted = dict(
        FeedbackAnswer.objects.filter(event=event).order_by().values_list("rating").annotate(n=Count("pk"))
        .values_list("rating", "n")
    )
    quotes = FeedbackAnswer.objects.filter(event=event, quoted=True).exclude(text="").order_by("pk")
    return [counted.get(face, 0) for face in FACES], list(quotes.values_list("text", flat=True)[:MOST_QUOTES])


@dataclass(frozen=True)
class FeedbackShare:
    """One face of the question with its answers and their share of all."""

    rating: int
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class FeedbackSummary:
    """An event's feedback as a closing report shows it: answers in all, per face, and the published quotes."""

    ratings: list[int]
    quotes: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Answers in all."""
        return sum(self.ratings)

    @property
    def shares(self) -> list[FeedbackShare]:
        """Each face with its count and rounded percentage, the saddest first."""
        total = self.count or 1
        labels = dict(FeedbackRating.choices)
        return [FeedbackShare(face, str(labels[face]), count, round(100 * count / total))
                for face, count in zip(FACES, self.ratings, strict=False)]

    @property
    def mean(self) -> float | None:
        """The mean face (1 to 5), one decimal; None without answers."""
        if not self.count:
            return None
        return round(sum(face * count for face, count in zip(FACES, self.ratings, strict=False)) / self.count, 1)


def feedback_summary(event: Event, report: ClosingReport | None = None) -> FeedbackSummary:
    """This node's event's feedback as it stands; a mirrored event's as its published report says."""
    if event.is_local:
        ratings, quotes = feedback_figures(event)
        return FeedbackSummary(ratings, quotes)
    if report is None:
        return FeedbackSummary([0] * len(FACES))
    return FeedbackSummary(list(report.feedback_ratings) or [0] * len(FACES), list(report.quotes))
