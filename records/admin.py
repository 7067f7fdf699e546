from django.contrib import admin

from records.models import Category
from relais.admin import ManagerAdmin


@admin.register(Category)
class CategoryAdmin(ManagerAdmin):
    """The category registry; each team picks among them the ones its mission needs."""

    list_display = ["code", "label_fr", "label_en"]
    fields = ["code", "label_fr", "label_en", "description_fr", "description_en"]

    def get_readonly_fields(self, request, obj=None):
        # Consents and notes refer to a category by its code: it never changes once in use.
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
