from django.db import models


class Event(models.Model):
    """One entry of the append-only, hash-chained ledger."""

    seq = models.PositiveBigIntegerField(unique=True)
    type = models.CharField(max_length=80, db_index=True)
    at = models.DateTimeField(db_index=True, help_text="When it happened (the injected clock).")
    recorded_at = models.DateTimeField(help_text="When the ledger recorded it (wall clock).")
    actor = models.CharField(max_length=120, blank=True)
    case_ref = models.CharField(max_length=80, blank=True, db_index=True)
    subject = models.CharField(max_length=200, blank=True, db_index=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.type} {self.subject}"

    def payload(self) -> dict:
        """Return the fields the hash covers, in their canonical form."""
        return {
            "seq": self.seq,
            "type": self.type,
            "at": self.at.isoformat(timespec="microseconds"),
            "recorded_at": self.recorded_at.isoformat(timespec="microseconds"),
            "actor": self.actor,
            "case": self.case_ref,
            "subject": self.subject,
            "data": self.data,
        }
