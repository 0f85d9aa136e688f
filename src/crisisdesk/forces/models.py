"""Forces: the statement of requirements, pledges, the force and its contingents, airlift plans,
sorties and guarded objects. Every write goes through `crisisdesk.forces.actions`.
"""

from django.db import models

from crisisdesk.cases.models import Case


class Requirement(models.Model):
    """The statement of requirements of a case's decision: tasks, objects to guard, capabilities."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="force_requirement")
    tasks = models.JSONField(default=list, help_text="Tasks, as short texts.")
    objects_to_guard = models.JSONField(default=list, help_text='[{"kind": ..., "count": n, "note": ...}]')
    personnel = models.JSONField(default=dict, help_text="Personnel needed by category: {category: count}.")
    vehicles = models.JSONField(default=dict, help_text="Vehicles needed by class: {class: count}.")
    sustainment = models.JSONField(default=dict, help_text='{"days": n, "cargo_kg": kg, "note": ...}')
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField()

    def personnel_total(self) -> int:
        return sum(int(v) for v in self.personnel.values())

    def vehicles_total(self) -> int:
        return sum(int(v) for v in self.vehicles.values())


class Pledge(models.Model):
    """What one member state offers: people, vehicles, cargo, readiness, and its national approval."""

    class Approval(models.TextChoices):
        NOT_NEEDED = "not_needed", "not needed"
        PENDING = "pending", "pending"
        APPROVED = "approved", "approved"
        REFUSED = "refused", "refused"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pledges")
    member = models.CharField(max_length=2)
    personnel = models.PositiveIntegerField(default=0)
    personnel_by_category = models.JSONField(default=dict)
    vehicles = models.JSONField(
        default=list, help_text='[{"type","class","count","weight_kg","length_m","width_m","height_m"}]')
    cargo_kg = models.FloatField(default=0)
    readiness = models.CharField(max_length=300, blank=True)
    home_airfield = models.CharField(max_length=12)
    destination = models.CharField(max_length=12, default="UAAA")
    ready_at = models.DateTimeField()
    elements = models.JSONField(
        default=list, help_text="Optional split into movement elements, each moving as one airlift unit.")
    approval_needed = models.CharField(max_length=200, blank=True, help_text="e.g. a vote of parliament")
    approval_status = models.CharField(max_length=12, choices=Approval.choices, default=Approval.NOT_NEEDED)
    approval_at = models.DateTimeField(null=True, blank=True)
    is_estimate = models.BooleanField(default=False, help_text="The figures are estimates, not a stated pledge.")
    sources = models.JSONField(default=list)
    note = models.TextField(blank=True)
    recorded_by = models.CharField(max_length=150)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["member"]
        constraints = [models.UniqueConstraint(fields=["case", "member"], name="one_pledge_per_state")]

    def vehicles_total(self) -> int:
        return sum(int(v["count"]) for v in self.vehicles)


class Force(models.Model):
    """The force formed for a case: its commander and tasks."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="force")
    commander = models.CharField(max_length=200)
    tasks = models.JSONField(default=list)
    formed_at = models.DateTimeField()
    deployed_at = models.DateTimeField(null=True, blank=True, help_text="When deployment was declared complete.")
    withdrawal_started_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True, help_text="When withdrawal was declared complete.")


class Contingent(models.Model):
    """One member state's part of the force, made from its pledge."""

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="contingents")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contingents")
    pledge = models.OneToOneField(Pledge, on_delete=models.PROTECT, related_name="contingent")
    member = models.CharField(max_length=2)
    name = models.CharField(max_length=200, blank=True)
    returns_by = models.CharField(max_length=10, default="air", help_text="air or road")
    joined_at = models.DateTimeField()
    returned_at = models.DateTimeField(
        null=True, blank=True, help_text="When a contingent that returns by road was recorded home.")

    class Meta:
        ordering = ["member"]
        constraints = [models.UniqueConstraint(fields=["case", "member"], name="one_contingent_per_state")]

    def __str__(self) -> str:
        return self.member


class AirliftPlan(models.Model):
    """A plan computed by the airlift engine: its INPUT.json, PLAN.json and summary.

    Plans of one kind form a chain. A plan is *tracked* (`is_active`) while its sorties count:
    they may still depart or land, and `movement_progress` counts their landings.

    - Replacing: when none of the tracked plans of a kind has flown (no sortie departed), a new
      plan replaces them all: they stop being tracked and their planned sorties are cancelled.
    - Supplementing: once sorties have flown, a plan cannot be undone, so a new plan moves only
      what is still to move and `supplements` points to the latest plan that flew. That plan and
      the earlier ones stay tracked (their sorties in the air can still land); only their
      still-planned sorties are cancelled. The summary says `supplementary: true`.

    A foreign key rather than only a flag keeps the chain explicit (a page can show "supplements
    plan 12", and a chain can have several links), while `is_active` alone says what is tracked.
    The latest tracked plan of a kind is the head of its chain. A supplement is meaningless
    without its chain, so it is deleted with the plan it supplements (only ever with the case).
    """

    class Kind(models.TextChoices):
        DEPLOYMENT = "deployment", "deployment"
        WITHDRAWAL = "withdrawal", "withdrawal"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="airlift_plans")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    epoch = models.DateTimeField(help_text="Hour 0 of the plan.")
    input = models.JSONField()
    plan = models.JSONField()
    summary = models.JSONField()
    computed_at = models.DateTimeField()
    computed_by = models.CharField(max_length=150)
    is_active = models.BooleanField(
        default=True, help_text="Tracked: its sorties may still fly and count (see the class docstring).")
    supplements = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="supplemented_by",
        help_text="The plan this one adds to: it moves only what that chain had not moved.")

    class Meta:
        ordering = ["-computed_at", "-pk"]


class Sortie(models.Model):
    """One loaded flight of a plan, tracked from planned to landed (or cancelled)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "planned"
        DEPARTED = "departed", "departed"
        LANDED = "landed", "landed"
        CANCELLED = "cancelled", "cancelled"

    plan = models.ForeignKey(AirliftPlan, on_delete=models.CASCADE, related_name="sorties")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sorties")
    number = models.PositiveIntegerField()
    aircraft = models.CharField(max_length=40)
    type = models.CharField(max_length=20)
    origin = models.CharField(max_length=12)
    destination = models.CharField(max_length=12)
    planned_departure = models.DateTimeField()
    planned_arrival = models.DateTimeField()
    loads = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    departed_at = models.DateTimeField(null=True, blank=True)
    landed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["planned_departure", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_number_per_plan")]

    def members(self) -> list[str]:
        return sorted({load["unit"].split("-")[0] for load in self.loads})


class GuardedObject(models.Model):
    """An object the force guards: what, where, by whom, from when until it was handed back."""

    KINDS = ["airport", "airfield", "power_plant", "depot", "government_building", "water", "food", "consulate",
             "communications", "energy", "other"]

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="guarded_objects")
    name_ru = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    kind = models.CharField(max_length=30)
    place = models.CharField(max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    precision = models.CharField(max_length=10, default="exact", help_text="exact, city or unknown")
    contingent = models.ForeignKey(Contingent, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="guarded_objects")
    guarded_from = models.DateTimeField(null=True, blank=True)
    handed_back_at = models.DateTimeField(null=True, blank=True)
    sources = models.JSONField(default=list)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    @property
    def status(self) -> str:
        if self.handed_back_at:
            return "handed_back"
        if self.guarded_from:
            return "guarded"
        return "listed"
