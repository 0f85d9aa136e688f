from django.conf import settings
from django.db import models


class Preference(models.Model):
    """A user's interface choices, kept on the server so they follow the user to any browser.

    Blank means "not chosen": the language then comes from the browser's cookie or
    Accept-Language header, the zone from the user's member state (see web.preferences).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="web_preference")
    language = models.CharField(max_length=8, blank=True)
    zone = models.CharField(max_length=60, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.language or '-'} {self.zone or '-'}"
