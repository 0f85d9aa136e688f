from django.apps import AppConfig


class SitrepsConfig(AppConfig):
    name = "crisisdesk.sitreps"
