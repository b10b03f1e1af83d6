"""Atom feed of public changes: board decisions, milestones reached, new public key figures.

Only what the public pages show (``selectors.feed_entries``): decided recommendations with a
board-approved public summary and key figures released with four eyes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from stadtlage.public import cache as public_cache
from stadtlage.public import selectors
from stadtlage.public.selectors import FeedEntry


class PublicChangesFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Ordnung und Stadtleben in Dortmund: öffentliche Änderungen")

    def subtitle(self) -> str:
        return _(
            "Beschlüsse des Verwaltungsvorstands, erreichte Meilensteine und neue öffentliche "
            "Kennzahlen der Ordnungspartnerschaft."
        )

    def link(self) -> str:
        return reverse("public:lagebild")

    def items(self) -> list[FeedEntry]:
        language = translation.get_language() or "de"
        return public_cache.cached_value("feed", [language], selectors.feed_entries)

    def item_title(self, item: FeedEntry) -> str:
        return item.title

    def item_description(self, item: FeedEntry) -> str:
        return item.text

    def item_link(self, item: FeedEntry) -> str:
        return item.link

    def item_guid(self, item: FeedEntry) -> str:
        return f"tag:stadtlage,{item.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedEntry) -> datetime:
        return _moment(item.at)

    def item_updateddate(self, item: FeedEntry) -> datetime:
        return _moment(item.at)

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        return None


def _moment(at: datetime | date) -> datetime:
    if isinstance(at, datetime):
        return at
    return timezone.make_aware(datetime.combine(at, datetime.min.time()))
