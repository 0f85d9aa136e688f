from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "crisisdesk.ledger"
