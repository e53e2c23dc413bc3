from django import template

from stories.rendering import render_story_body

register = template.Library()


@register.filter
def story_markdown(text: str):
    """The story body as sanitised HTML (see stories/rendering.py)."""
    return render_story_body(text)
