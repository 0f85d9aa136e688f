from django.apps import AppConfig


class SitrepsConfig(AppConfig):
    name = "crisisdesk.sitreps"

    def ready(self):
        from crisisdesk.sitreps import stream

        stream.install()
