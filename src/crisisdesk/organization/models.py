from django.db import models


class Organisation(models.Model):
    """A collective-security organisation configured by its charter."""

    code = models.SlugField(unique=True)
    title_ru = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.code


class CharterVersion(models.Model):
    """One loaded version of a charter; a running case keeps the version it started with."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    text = models.TextField(help_text="The exact YAML as loaded.")
    loaded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "version"], name="one_text_per_version")]
        ordering = ["loaded_at"]

    def __str__(self) -> str:
        return f"{self.organisation.code} {self.version}"

    def parsed(self):
        """Return the engine's Charter for this version (parsed once per process)."""
        from crisisdesk.organization.charters import cached_charter, parsed_charter

        # The text is read (and, if deferred, fetched) only the first time.
        return cached_charter(self.sha256) or parsed_charter(self.sha256, self.text)


class MemberState(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="members")
    code = models.CharField(max_length=2)
    name_ru = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    zone = models.CharField(max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="one_member_per_code")]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Membership(models.Model):
    """A member's status from a date on (active, frozen, suspended, observer)."""

    member = models.ForeignKey(MemberState, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(max_length=12)
    since = models.DateField()

    class Meta:
        ordering = ["since"]


class Organ(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="organs")
    code = models.CharField(max_length=40)
    name_ru = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="one_organ_per_code")]


class Post(models.Model):
    """A post that users hold; roles and the state a user speaks for come from it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="posts")
    code = models.CharField(max_length=80)
    seat = models.CharField(max_length=60, help_text="The post kind, e.g. head_of_state.")
    role = models.CharField(max_length=20)
    organ = models.ForeignKey(Organ, null=True, blank=True, on_delete=models.PROTECT)
    member = models.ForeignKey(MemberState, null=True, blank=True, on_delete=models.PROTECT)
    title_ru = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="one_post_per_code")]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ExternalBody(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="external_bodies")
    code = models.CharField(max_length=60)
    name_ru = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    email = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="one_body_per_code")]


class PostKey(models.Model):
    """The public half of an Ed25519 keypair that signs for a post. Private keys never come here."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="keys")
    public_key = models.CharField(max_length=64, help_text="Raw 32-byte key, base64.")
    fingerprint = models.CharField(max_length=64, unique=True)
    registered_at = models.DateTimeField()
    registered_by = models.CharField(max_length=150)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.post.code} {self.fingerprint[:16]}"
