from django.db import models

from crisisdesk.cases.models import Case
from crisisdesk.organization.models import Post, PostKey


class Decision(models.Model):
    """One run of a charter procedure on a case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    procedure = models.CharField(max_length=60)
    purpose = models.CharField(max_length=20, help_text="deployment, force, completion, withdrawal, other")
    mode = models.CharField(max_length=10)
    members_as_of = models.DateTimeField()
    outcome = models.CharField(max_length=20, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.case.ref}/{self.pk} {self.procedure}"

    @property
    def current_text(self) -> "DecisionText":
        return self.texts.order_by("-version").first()


class DecisionText(models.Model):
    """A circulated text; an amendment is a new version and restarts the clock."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="texts")
    version = models.PositiveIntegerField()
    body = models.TextField()
    sha256 = models.CharField(max_length=64)
    circulated_at = models.DateTimeField()
    deadline = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decision", "version"], name="one_text_per_version_number")]
        ordering = ["version"]


class Position(models.Model):
    """A member's signed position on one version of a text."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="positions")
    text = models.ForeignKey(DecisionText, on_delete=models.PROTECT, related_name="positions")
    member = models.CharField(max_length=2)
    post = models.ForeignKey(Post, on_delete=models.PROTECT)
    position = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    signed_at = models.DateTimeField()
    signed_by = models.CharField(max_length=150)
    key = models.ForeignKey(PostKey, on_delete=models.PROTECT)
    message = models.BinaryField(help_text="The exact bytes that were signed.")
    signature = models.CharField(max_length=100)

    class Meta:
        ordering = ["signed_at", "pk"]
