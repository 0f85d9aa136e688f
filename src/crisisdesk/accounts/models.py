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


class IdempotencyKey(models.Model):
    """A write the API has already done for a client's Idempotency-Key, with the answer it gave.

    The row is written in the same transaction as the write itself, so a retry after a crash
    either finds both or neither.
    """

    owner = models.CharField(max_length=160)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.BinaryField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="one_answer_per_key")]
