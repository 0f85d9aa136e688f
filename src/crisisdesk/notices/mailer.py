"""Dispatch by SMTP: build the message, talk to the configured server, report the configuration."""

import smtplib
import socket
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage


@dataclass(frozen=True)
class SmtpConfig:
    enabled: bool
    host: str
    port: int
    timeout: float
    use_tls: bool
    username: str
    password: str
    sender: str


def config() -> SmtpConfig:
    return SmtpConfig(
        enabled=bool(getattr(settings, "EMAIL_ENABLED", False)),
        host=str(getattr(settings, "EMAIL_HOST", "") or ""),
        port=getattr(settings, "EMAIL_PORT", 25),
        timeout=float(getattr(settings, "EMAIL_TIMEOUT", None) or 10),
        use_tls=bool(getattr(settings, "EMAIL_USE_TLS", False)),
        username=str(getattr(settings, "EMAIL_HOST_USER", "") or ""),
        password=str(getattr(settings, "EMAIL_HOST_PASSWORD", "") or ""),
        sender=str(getattr(settings, "DEFAULT_FROM_EMAIL", "") or ""),
    )


def problems(cfg: SmtpConfig | None = None) -> list[str]:
    """Return what is absent or wrong in the SMTP configuration (no network access)."""
    cfg = cfg or config()
    found = []
    if not cfg.enabled:
        found.append("e-mail dispatch is off (EMAIL_ENABLED is not set): letters wait until an operator "
                     "records their delivery")
        return found
    if not cfg.host:
        found.append("EMAIL_HOST is empty")
    if not isinstance(cfg.port, int) or not 0 < cfg.port < 65536:
        found.append(f"EMAIL_PORT {cfg.port!r} is not a TCP port")
    if "@" not in cfg.sender:
        found.append(f"DEFAULT_FROM_EMAIL {cfg.sender!r} is not an address")
    return found


def probe(cfg: SmtpConfig | None = None) -> str | None:
    """Connect to the server and say NOOP; return the problem, or None when it answers."""
    cfg = cfg or config()
    listed = problems(cfg)
    if listed:
        return "; ".join(listed)
    try:
        with smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout) as smtp:
            code, _ = smtp.noop()
            if code != 250:
                return f"the SMTP server at {cfg.host}:{cfg.port} answered NOOP with {code}"
    except (OSError, smtplib.SMTPException) as exc:
        return f"the SMTP server at {cfg.host}:{cfg.port} is unreachable: {describe(exc)}"
    return None


def describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipients refused: " + "; ".join(
            f"{addr} {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {msg}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return f"{type(exc).__name__}: {exc}"


class SendFailed(Exception):
    pass


def build(*, subject: str, body: str, to: list[str], attachments: list[tuple[str, str, str]],
          message_id: str, headers: dict, sender: str) -> EmailMessage:
    message = EmailMessage(subject=subject, body=body, from_email=sender, to=to,
                           headers={"Message-ID": message_id, **headers})
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def send(message: EmailMessage, cfg: SmtpConfig | None = None) -> None:
    """Send one message; raise SendFailed unless the server accepted it for every recipient."""
    cfg = cfg or config()
    listed = problems(cfg)
    if listed:
        raise SendFailed("; ".join(listed))
    recipients = message.recipients()
    try:
        with smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout) as smtp:
            if cfg.use_tls:
                smtp.starttls()
            if cfg.username:
                smtp.login(cfg.username, cfg.password)
            refused = smtp.sendmail(cfg.sender, recipients, message.message().as_bytes(linesep="\r\n"))
    except (OSError, smtplib.SMTPException) as exc:
        raise SendFailed(describe(exc)) from None
    if refused:
        raise SendFailed("recipients refused: " + ", ".join(sorted(refused)))
