from django.apps import AppConfig


class ForcesConfig(AppConfig):
    name = "crisisdesk.forces"
