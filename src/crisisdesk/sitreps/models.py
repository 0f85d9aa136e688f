"""Situation reports after EDXL-SitRep 1.0, their figures, reporting cadence and alarms.

Writes happen only in `sitreps.actions`; reads through `sitreps.queries` (releasability).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from crisisdesk.cases.models import Case


class Report(models.Model):
    """One situation report (EDXL-SitRep header fields mapped onto our record)."""

    class Kind(models.TextChoices):
        # EDXL-SitRep report types (the standard's names in brackets).
        FIELD_OBSERVATION = "field_observation", _("field observation")  # FieldObservation
        SITUATION_INFORMATION = "situation_information", _("situation information")  # SituationInformation
        RESOURCES_TOTALS = "response_resources_totals", _("response resources totals")  # ResponseResourcesTotals
        CASUALTY_DAMAGE = "casualty_damage_summary", _("casualty and damage summary")  # CasualtyAndIllnessSummary
        MANAGEMENT_SUMMARY = "management_summary", _("management summary")  # ManagementReportSummary

    class Version(models.TextChoices):  # ReportVersion
        INITIAL = "initial", _("initial")
        UPDATE = "update", _("update")
        FINAL = "final", _("final")

    class Status(models.TextChoices):  # EDXL-DE distributionStatus / CAP status
        ACTUAL = "Actual", _("Actual")
        EXERCISE = "Exercise", _("Exercise")
        TEST = "Test", _("Test")

    class Urgency(models.TextChoices):  # CAP urgency
        IMMEDIATE = "Immediate", _("Immediate")
        EXPECTED = "Expected", _("Expected")
        FUTURE = "Future", _("Future")
        PAST = "Past", _("Past")
        UNKNOWN = "Unknown", _("Unknown")

    class Severity(models.TextChoices):  # CAP severity
        EXTREME = "Extreme", _("Extreme")
        SEVERE = "Severe", _("Severe")
        MODERATE = "Moderate", _("Moderate")
        MINOR = "Minor", _("Minor")
        UNKNOWN = "Unknown", _("Unknown")

    class Confidence(models.TextChoices):  # ReportConfidence, on CAP's certainty scale
        OBSERVED = "Observed", _("Observed")
        LIKELY = "Likely", _("Likely")
        POSSIBLE = "Possible", _("Possible")
        UNLIKELY = "Unlikely", _("Unlikely")
        UNKNOWN = "Unknown", _("Unknown")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sitreps")
    number = models.PositiveIntegerField(help_text="ReportNumber, sequential per case.")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    version = models.CharField(max_length=10, choices=Version.choices, default=Version.INITIAL)
    preceding = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="followers",
                                  help_text="PrecedingMessageID: the report this one updates.")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    source = models.CharField(max_length=60, help_text="Who reports: a member code or a staff source.")
    period_from = models.DateTimeField()
    period_to = models.DateTimeField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.UNKNOWN)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.UNKNOWN)
    confidence = models.CharField(max_length=10, choices=Confidence.choices, default=Confidence.UNKNOWN)
    location = models.JSONField(null=True, blank=True, help_text="A GeoJSON Point or Polygon (lon, lat).")
    place = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTUAL)
    released_to = models.JSONField(default=list, help_text='Member and body codes, or ["ALL"].')
    filed_by = models.CharField(max_length=150)
    filed_at = models.DateTimeField()
    revision = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped on every edit.")
    updated_by = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "-number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="one_sitrep_number_per_case")]

    def __str__(self) -> str:
        return f"{self.case.ref} sitrep {self.number}"

    @property
    def is_exercise(self) -> bool:
        return self.status != self.Status.ACTUAL or self.case.is_exercise


class ReportRevision(models.Model):
    """A snapshot of a report as it stood at each revision (history and conflict screens)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    snapshot = models.JSONField()
    by = models.CharField(max_length=150)
    at = models.DateTimeField()

    class Meta:
        ordering = ["report", "revision"]
        constraints = [models.UniqueConstraint(fields=["report", "revision"], name="one_snapshot_per_revision")]


class Attachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()

    class Meta:
        ordering = ["pk"]


class Figure(models.Model):
    """One figure as one source reported it (e.g. casualties.killed from KZ vs the force command)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="figures")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sitrep_figures")
    key = models.CharField(max_length=80, help_text="e.g. casualties.killed, personnel.deployed")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=30, blank=True)
    source = models.CharField(max_length=60)
    confidence = models.CharField(max_length=10, choices=Report.Confidence.choices)
    as_of = models.DateTimeField()
    official = models.BooleanField(default=False)
    official_reason = models.TextField(blank=True)
    official_by = models.CharField(max_length=150, blank=True)
    official_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "key", "-as_of", "pk"]
        indexes = [models.Index(fields=["case", "key"])]


class Cadence(models.Model):
    """How often a source must report on a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sitrep_cadences")
    source = models.CharField(max_length=60)
    every_hours = models.PositiveIntegerField()
    since = models.DateTimeField(help_text="The first report is due every_hours after this.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["case", "source"]
        constraints = [models.UniqueConstraint(fields=["case", "source"], name="one_cadence_per_source")]


class Alarm(models.Model):
    """A visible alarm: a source's report is overdue (cleared when it arrives)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sitrep_alarms")
    kind = models.CharField(max_length=20, default="overdue")
    source = models.CharField(max_length=60)
    due_at = models.DateTimeField()
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["case", "source", "due_at"], name="one_alarm_per_due")]
