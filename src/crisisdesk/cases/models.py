from django.db import models

from crisisdesk.organization.models import CharterVersion, MemberState


class Case(models.Model):
    """One crisis response, from the appeal to closure."""

    class Status(models.TextChoices):
        APPEALED = "appealed", "appealed"
        CONSULTATIONS = "consultations", "consultations"
        DECIDING = "deciding", "deciding"
        ADOPTED = "adopted", "decision adopted"
        FORCE_FORMED = "force_formed", "force formed"
        DEPLOYED = "deployed", "deployed"
        ENDING = "ending", "termination requested"
        WITHDRAWING = "withdrawing", "withdrawing"
        CLOSED = "closed", "closed"
        NO_DECISION = "no_decision", "closed without a decision"

    ref = models.SlugField(max_length=80, unique=True)
    charter = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, help_text="The version it started with.")
    host = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="cases")
    title_ru = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPEALED)
    appellant_post = models.CharField(max_length=80)
    appeal_text = models.TextField(blank=True)
    appealed_at = models.DateTimeField()
    released_to = models.JSONField(default=list, help_text='Member codes, or ["ALL"].')
    is_exercise = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-appealed_at"]

    def __str__(self) -> str:
        return self.ref


class Mandate(models.Model):
    """What the force is for, where, for how long, and what ends it."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="mandate")
    purpose_ru = models.TextField()
    purpose_en = models.TextField()
    legal_basis = models.JSONField(default=list)
    area = models.JSONField(default=list, help_text="Places in the area of operation.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    end_triggers = models.JSONField(default=list)
    contributing = models.JSONField(default=list)
    commander = models.CharField(max_length=200, blank=True)
    report_every_hours = models.PositiveIntegerField(default=6)
    termination_requested_at = models.DateTimeField(null=True, blank=True)
    termination_effective = models.DateField(null=True, blank=True)
