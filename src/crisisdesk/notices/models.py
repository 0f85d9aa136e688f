"""Notification duties, their letters and dispatch attempts; public statements; the lessons register."""

import uuid

from django.db import models

from crisisdesk.cases.models import Case
from crisisdesk.decisions.models import Decision
from crisisdesk.organization.models import Organisation


class Duty(models.Model):
    """Something owed to someone: a notification (or a report) with a deadline, a signer and a template."""

    class Status(models.TextChoices):
        DUE = "due", "due, no letter yet"
        DRAFTED = "drafted", "drafted"
        APPROVED = "approved", "approved, to be sent"
        SENT = "sent", "sent"
        ACKNOWLEDGED = "acknowledged", "acknowledged"

    OPEN = (Status.DUE, Status.DRAFTED, Status.APPROVED)

    dedupe = models.CharField(max_length=200, unique=True, help_text="One duty per case, trigger and charter duty.")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notice_duties")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=60, help_text="The charter's duty id, e.g. unsc.")
    kind = models.CharField(max_length=20, default="notification", help_text="notification or report")
    procedure = models.CharField(max_length=60, blank=True)
    recipient = models.CharField(max_length=80)
    recipient_ru = models.CharField(max_length=200)
    recipient_en = models.CharField(max_length=200)
    via = models.CharField(max_length=80, blank=True)
    duty = models.CharField(max_length=10, help_text="legal or practice")
    legal_basis = models.CharField(max_length=300)
    trigger = models.CharField(max_length=80)
    trigger_seq = models.PositiveBigIntegerField(null=True, blank=True)
    triggered_at = models.DateTimeField()
    due_at = models.DateTimeField()
    deadline_text = models.CharField(max_length=40)
    signer_post = models.CharField(max_length=80)
    on_behalf_of = models.CharField(max_length=60, blank=True)
    escalate_to = models.CharField(max_length=80, blank=True)
    template = models.CharField(max_length=60)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DUE)
    escalated_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="A sender holds the duty (lease).")
    sent_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=20, blank=True, help_text="smtp or operator")
    delivery_note = models.TextField(blank=True)
    sent_to = models.JSONField(default=list)
    message_id = models.CharField(max_length=200, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)
    ack_note = models.TextField(blank=True)
    data = models.JSONField(default=dict, help_text="time_known, sources and other notes.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.ref}/{self.key}"

    @property
    def letter(self):
        return self.letters.order_by("-version").first()

    @property
    def approved_letter(self):
        return self.letters.exclude(approved_at=None).order_by("-version").first()


class Letter(models.Model):
    """One drafted version of a duty's letter, in Russian and English."""

    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveIntegerField()
    subject_ru = models.CharField(max_length=300)
    subject_en = models.CharField(max_length=300)
    body_ru = models.TextField()
    body_en = models.TextField()
    facts = models.JSONField(default=dict)
    missing = models.JSONField(default=list, help_text="Template fields the case could not fill.")
    sha256 = models.CharField(max_length=64)
    drafted_at = models.DateTimeField()
    drafted_by = models.CharField(max_length=150)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["duty", "version"], name="one_letter_per_version")]
        ordering = ["version"]


class Attempt(models.Model):
    """One dispatch of a letter (by SMTP, or recorded by an operator), successful or not."""

    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="attempt_log")
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    by = models.CharField(max_length=150)
    channel = models.CharField(max_length=20)
    outcome = models.CharField(max_length=10, help_text="sent or failed")
    error = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    recipients = models.JSONField(default=list)
    resend = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]


class Address(models.Model):
    """The e-mail address of an external body (or a distribution list such as `members`)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=80)
    email = models.CharField(max_length=254)
    updated_at = models.DateTimeField()
    updated_by = models.CharField(max_length=150)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="one_address_per_body")]


class Statement(models.Model):
    """A public statement (or alert) about a case, in several languages, approved before publication."""

    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        REVIEWED = "reviewed", "reviewed"
        APPROVED = "approved", "approved"
        PUBLISHED = "published", "published"

    ABOUT = ("decision", "first_landing", "deployment", "completion", "withdrawal", "other")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="statements")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, default="statement", help_text="statement or alert")
    about = models.CharField(max_length=20)
    texts = models.JSONField(default=dict, help_text='{"ru": {"headline": .., "body": ..}, "en": ..}')
    required_languages = models.JSONField(default=list)
    sources = models.JSONField(default=list)
    on_behalf_of = models.CharField(max_length=80, blank=True)
    cap = models.JSONField(default=dict, help_text="category, urgency, severity, certainty, area, instruction")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    drafted_at = models.DateTimeField()
    drafted_by = models.CharField(max_length=150)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.CharField(max_length=150, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["drafted_at", "pk"]

    def text(self, lang: str = "en") -> dict:
        return self.texts.get(lang) or self.texts.get("en") or next(iter(self.texts.values()), {})


class StatementApproval(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="approvals")
    step = models.CharField(max_length=20, help_text="review or approve")
    by = models.CharField(max_length=150)
    post = models.CharField(max_length=80)
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class Lesson(models.Model):
    """The lessons register: observation → lesson → action → owner → status."""

    STATUSES = ("open", "in_progress", "done", "dropped")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="lessons")
    number = models.PositiveIntegerField()
    observation = models.TextField()
    lesson = models.TextField(blank=True)
    action = models.TextField(blank=True)
    owner = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, default="open")
    due = models.DateField(null=True, blank=True)
    sources = models.JSONField(default=list)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    updated_at = models.DateTimeField()
    updated_by = models.CharField(max_length=150)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="one_lesson_per_number")]
        ordering = ["number"]
