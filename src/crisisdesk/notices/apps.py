from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "crisisdesk.notices"
