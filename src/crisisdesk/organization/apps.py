from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "crisisdesk.organization"
