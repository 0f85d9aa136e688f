from django.contrib import admin

from crisisdesk.ledger.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("seq", "type", "at", "actor", "case_ref", "subject")
    list_filter = ("type",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
