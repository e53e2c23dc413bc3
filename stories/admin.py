from django.contrib import admin

from .models import Follow, Story, StoryEvent, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "workplace", "status", "visibility", "published_at"]
    list_filter = ["kind", "status", "visibility"]
    search_fields = ["title", "summary"]
    raw_id_fields = ["workplace", "author", "published_by", "consent_recorded_by"]
    readonly_fields = ["thanks_count", "published_at", "published_by"]


@admin.register(StoryEvent)
class StoryEventAdmin(admin.ModelAdmin):
    list_display = ["story", "action", "actor", "at"]
    raw_id_fields = ["story", "actor"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["person", "committee", "workplace", "created_at"]
    raw_id_fields = ["person", "committee", "workplace"]
