from base64 import b32encode

from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.errors import DomainError


class Command(BaseCommand):
    help = ("Two-factor login devices: crisisdesk otp enrol USERNAME [--replace] | "
            "crisisdesk otp remove USERNAME")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        p = sub.add_parser("enrol", help="give the user a confirmed TOTP device and print its key")
        p.add_argument("username")
        p.add_argument("--replace", action="store_true", help="replace the user's existing device")
        p = sub.add_parser("remove", help="remove the user's TOTP devices (a lost phone)")
        p.add_argument("username")

    def handle(self, *args, verb, username, **options):
        from crisisdesk.web.actions import totp_enrol, totp_remove

        try:
            if verb == "enrol":
                device = totp_enrol(username=username, replace=options["replace"])
                self.stdout.write(f"uri: {device.config_url}")
                self.stdout.write(f"secret: {b32encode(device.bin_key).decode()}")
            else:
                self.stdout.write(f"removed {totp_remove(username=username)} device(s) of {username}")
        except DomainError as exc:
            raise CommandError(exc.detail) from None
