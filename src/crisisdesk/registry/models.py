"""The registry of designated organisations (shared/reference/designations.md §1).

Three layers: organisations with their names; designations, one per state per legal act; and the
derived views (unified list, divergence), which are computed in queries.py, never stored.

History has two timelines:
- valid time: the act's own dates (entry into force, end date, status since);
- record time: every change is a new `*Version` row with the full snapshot and its content hash,
  plus a ledger event, so "what was listed on 6 Jan 2022, as we knew it then" can be answered.
"""

from django.db import models

NAME_TYPES = ["primary", "alias", "previous", "abbreviation", "weak"]
CATEGORIES = ["terrorist", "extremist", "terror_financing"]
STATUSES = ["active", "suspended", "under_appeal", "delisted"]
BASIS_TYPES = ["court_decision", "executive_act", "un_implementation", "eu_implementation",
               "mutual_recognition"]
RELATION_KINDS = ["successor_of", "renamed_from", "branch_of", "merged_into"]
ENTITY_TYPES = ["organisation", "movement", "front", "branch"]


def _choices(values):
    return [(v, v) for v in values]


class Organization(models.Model):
    ref = models.SlugField(max_length=80, unique=True, help_text="Our own stable id, e.g. org-isil.")
    external_id = models.CharField(max_length=200, blank=True, db_index=True,
                                   help_text="The id in the source it was imported from (FtM id, un-QDe.115).")
    canonical_name = models.CharField(max_length=500)
    entity_type = models.CharField(max_length=20, choices=_choices(ENTITY_TYPES), default="organisation")
    countries = models.JSONField(default=list, blank=True)
    identifiers = models.JSONField(default=dict, blank=True, help_text="un, ofac, eu, national numbers.")
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Where the record came from.")
    demo = models.BooleanField(default=False, help_text="Demonstration data: verify before official use.")
    version = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["ref"]

    def __str__(self) -> str:
        return self.ref

    @property
    def public_id(self) -> str:
        """The id shown in screening results: the import's id when it came from one."""
        return self.external_id or self.ref


class OrgName(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="names")
    value = models.CharField(max_length=1000)
    script = models.CharField(max_length=4, blank=True, help_text="ISO 15924: Cyrl, Latn, Arab, Armn.")
    lang = models.CharField(max_length=12, blank=True, help_text="BCP 47: ru, kk, ky, tg, hy, be, ar, en.")
    name_type = models.CharField(max_length=12, choices=_choices(NAME_TYPES), default="alias")
    quality = models.CharField(max_length=4, default="good")
    generated = models.BooleanField(default=False)
    translit_scheme = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["organization", "id"]


class OrganizationVersion(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    content_hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["organization", "version"]
        constraints = [models.UniqueConstraint(fields=["organization", "version"], name="one_org_version")]


class Designation(models.Model):
    """One state's designation of one organisation under one legal act."""

    ref = models.CharField(max_length=200, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="designations")
    state = models.CharField(max_length=8, help_text="ISO 3166-1 alpha-2, or UN / CSTO for an organisation-level act.")
    list_code = models.CharField(max_length=80, blank=True)
    source_record_id = models.CharField(max_length=80, blank=True)
    authority = models.CharField(max_length=300, blank=True)
    basis_type = models.CharField(max_length=24, choices=_choices(BASIS_TYPES), default="court_decision")
    act_type = models.CharField(max_length=80, blank=True)
    act_number = models.CharField(max_length=120, blank=True)
    act_date = models.DateField(null=True, blank=True)
    act_title = models.CharField(max_length=500, blank=True)
    issuing_body = models.CharField(max_length=300, blank=True)
    court_name = models.CharField(max_length=300, blank=True)
    case_number = models.CharField(max_length=120, blank=True)
    act_url = models.URLField(max_length=500, blank=True)
    entry_into_force = models.DateField(null=True, blank=True)
    listing_date = models.DateField(null=True, blank=True)
    # Never folded into status, never merged: terrorist and extremist lists mean different things.
    category = models.CharField(max_length=20, choices=_choices(CATEGORIES))
    status = models.CharField(max_length=16, choices=_choices(STATUSES), default="active")
    status_since = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    delisting_act = models.CharField(max_length=500, blank=True)
    delisting_url = models.URLField(max_length=500, blank=True)
    un_reference = models.CharField(max_length=40, blank=True)
    names_as_listed = models.JSONField(default=list, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    retrieved_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    recorded_at = models.DateTimeField()
    demo = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["organization", "state", "act_date"]

    def __str__(self) -> str:
        return self.ref

    @property
    def act_label(self) -> str:
        parts = [self.act_type, f"No. {self.act_number}" if self.act_number else "",
                 f"of {self.act_date.isoformat()}" if self.act_date else "",
                 f"({self.court_name or self.issuing_body})" if (self.court_name or self.issuing_body) else ""]
        return " ".join(p for p in parts if p)


class DesignationVersion(models.Model):
    designation = models.ForeignKey(Designation, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    content_hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["designation", "version"]
        constraints = [models.UniqueConstraint(fields=["designation", "version"], name="one_designation_version")]


class Relation(models.Model):
    subject = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(max_length=16, choices=_choices(RELATION_KINDS))
    object = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="inverse_relations")
    since = models.DateField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject", "kind", "object"], name="one_relation")]


class ListCheck(models.Model):
    """A state's list was read in full on a date: absent organisations are N, not '?'."""

    state = models.CharField(max_length=8)
    checked_on = models.DateField()
    source_url = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["state", "checked_on"]


class UnifiedProposal(models.Model):
    """A member state proposes an organisation for the unified list; the Council decides."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="proposals")
    proposed_by = models.CharField(max_length=8)
    proposed_at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=12, default="proposed")  # proposed | listed | rejected
    decision_id = models.IntegerField(null=True, blank=True, help_text="decisions.Decision, when the procedure ran here.")
    decision_ref = models.CharField(max_length=200, blank=True, help_text="The Council decision's reference.")
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["proposed_at"]


class ScreeningRun(models.Model):
    """A batch screening, kept so that a later list change can name the runs it affects."""

    ref = models.CharField(max_length=40, unique=True)
    actor = models.CharField(max_length=150)
    states = models.JSONField(default=list, help_text="The member states the actor spoke for: who may read it.")
    created_at = models.DateTimeField()
    threshold = models.FloatField()
    registry_hash = models.CharField(max_length=64)
    names = models.JSONField(default=list)
    results = models.JSONField(default=list, help_text="Per name: [[organization, score], ...].")
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]
