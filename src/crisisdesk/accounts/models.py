from django.conf import settings
from django.db import models

from crisisdesk.organization.models import Post


class Holding(models.Model):
    """A user holds a post from a time on, until another time (or still)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="holdings")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="holdings")
    since = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} → {self.post}"


class ApiToken(models.Model):
    """A bearer token for the API and the CLI; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
