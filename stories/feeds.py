"""The public Atom feed of public stories."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from .models import Story
from .rendering import render_story_body

FEED_SIZE = 50


class StoryAtomFeed(Atom1Feed):
    """Atom with the whole story in <content type="html">, not only the summary.

    Feed readers show <content> as the entry's text; the summary stays as <summary>.
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class PublicStoriesFeed(Feed):
    feed_type = StoryAtomFeed
    description_template = None

    def title(self):
        return _("Good stories from %(municipality)s") % {"municipality": settings.MUNICIPALITY_NAME}

    def subtitle(self):
        return _("Stories from the municipality's workplaces.")

    def link(self):
        return reverse("stories:public")

    def feed_url(self):
        return reverse("stories:atom")

    def items(self):
        return (
            Story.objects.public()
            .select_related("workplace")
            .prefetch_related("themes")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: Story) -> str:
        return item.title

    def item_description(self, item: Story) -> str:
        # Django writes <summary type="html">, which readers decode as HTML: escape the
        # plain-text summary once more so it stays text.
        return escape(item.summary)

    def item_extra_kwargs(self, item: Story) -> dict:
        # The body as the story page shows it: Markdown without raw HTML, sanitised by nh3.
        return {"content_html": str(render_story_body(item.body))}

    def item_link(self, item: Story) -> str:
        return item.get_public_url()

    def item_guid(self, item: Story) -> str:
        return f"{settings.SITE_URL}{item.get_public_url()}"

    def item_author_name(self, item: Story) -> str:
        return item.workplace.name

    def item_pubdate(self, item: Story):
        return item.published_at

    def item_updateddate(self, item: Story):
        return item.updated_at if item.updated_at and item.updated_at > item.published_at else item.published_at

    def item_categories(self, item: Story):
        return [theme.label for theme in item.themes.all()]


public_feed = login_not_required(PublicStoriesFeed())
