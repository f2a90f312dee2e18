"""Reminder emails: composed (plain text and HTML in the subscriber's language) and sent over SMTP.

Every message carries an unsubscribe link and the ``List-Unsubscribe`` / ``List-Unsubscribe-Post``
headers of RFC 8058 (one click: a POST to the link unsubscribes, with no page in between), and a
``Message-ID`` derived from what it delivers (the notice and the subscription), so a message sent
again after a crash is recognisably the same one. ``smtplib``'s errors are translated here, once,
into :class:`DeliveryError`.
"""

from __future__ import annotations

import datetime as dt
import functools
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from types import TracebackType
from urllib.parse import urlsplit

import jinja2

from calendar_service.config import Settings, SmtpServer
from calendar_service.wording.subscriptions import describe_receive, words

__all__ = ["DeliveryError", "MailSender", "MailText", "compose_mail", "message_id", "sender_address"]

#: Seconds an SMTP connection or command may take.
SMTP_TIMEOUT = 20


class DeliveryError(Exception):
    """A message could not be delivered this time (it is retried); the text names no address."""


@dataclass(frozen=True)
class MailText:
    """What one email says, before it is put into MIME parts."""

    subject: str
    lines: tuple[str, ...]  #: paragraphs
    link: tuple[str, str] | None = None  #: (label, URL) of the one action it offers
    attachment: bytes | None = None  #: an .ics file


def sender_address(settings: Settings) -> str:
    """Return the ``From`` of reminder emails: MAIL_FROM, or calendar-service@ the host of BASE_URL."""
    return settings.mail_from or f"calendar-service@{urlsplit(settings.base_url).hostname}"


def message_id(settings: Settings, local: str) -> str:
    """Return a ``Message-ID`` whose left part is ``local`` (``notice-12.34``) and right part the service's host."""
    return f"<{local}@{urlsplit(settings.base_url).hostname}>"


@functools.cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("calendar_service", "templates"), autoescape=True)


def compose_mail(text: MailText, *, to: str, language: str, kinds: tuple[str, ...], unsubscribe_url: str,
                 settings: Settings, local_id: str, now: dt.datetime) -> EmailMessage:
    """Return the email: plain and HTML alternatives, the .ics attached if any, and the list headers."""
    said = words(language)
    why = said["why"].format(what=describe_receive(kinds, language))
    plain = [*text.lines]
    if text.link is not None:
        plain.append(f"{text.link[0]}: {text.link[1]}")
    if text.attachment is not None:
        plain.append(said["attached"])
    plain += ["-- ", why, f"{said['unsubscribe']}: {unsubscribe_url}"]
    message = EmailMessage()
    message["Subject"] = text.subject
    name, address = parseaddr(sender_address(settings))
    message["From"] = formataddr((name or said["site"], address))
    message["To"] = to
    message["Date"] = format_datetime(now.astimezone(dt.UTC))
    message["Message-ID"] = message_id(settings, local_id)
    message["Content-Language"] = language
    # RFC 2369 and RFC 8058 §3.1: an HTTPS link a mail client may POST to without a page in between.
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies
    message.set_content("\n\n".join(plain) + "\n")
    html = _templates().get_template("mail.html").render(
        lang=language, subject=text.subject, lines=text.lines, link=text.link, why=why, said=said,
        unsubscribe_url=unsubscribe_url, attached=text.attachment is not None)
    message.add_alternative(html, subtype="html")
    if text.attachment is not None:
        message.add_attachment(text.attachment, maintype="text", subtype="calendar", filename="event.ics",
                               params={"charset": "utf-8"})
    return message


class MailSender:
    """One SMTP connection, opened on the first message and reused for the rest (use as a context)."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> MailSender:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        smtp: smtplib.SMTP
        if server.tls == "ssl":
            smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=SMTP_TIMEOUT,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT)
            if server.tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if server.user:
            smtp.login(server.user, server.password or "")
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send ``message``; the server accepting it is the acknowledgement.

        Raises:
            DeliveryError: the server could not be reached, or refused the message or a recipient.
        """
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            try:
                self._smtp.send_message(message)
            except smtplib.SMTPServerDisconnected:  # a kept connection timed out: once more, afresh
                self._smtp = self._connect()
                self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            self._reset()
            codes = sorted({f"{code} {reply.decode('utf-8', 'replace')}" for code, reply in error.recipients.values()})
            raise DeliveryError(f"the SMTP server refused the recipient: {'; '.join(codes)}") from None
        except smtplib.SMTPResponseException as error:
            self._reset()
            reply = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) \
                else str(error.smtp_error)
            raise DeliveryError(f"the SMTP server refused the message: {error.smtp_code} {reply}") from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise DeliveryError(f"cannot send through the SMTP server: {type(error).__name__}: {error}") from None

    def _reset(self) -> None:
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        """Say QUIT (or just drop the connection if it is gone)."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
