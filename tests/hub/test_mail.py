"""The kernel's mail: one message of plain text and accessible HTML; in development a file and the console."""

from __future__ import annotations

import email
import email.policy

from hub.mail import Attachment, Mail, mail_message, mail_send

MAIL = Mail(to="erika@example.org", language="en", subject="Your seat", greeting="Hello Erika,",
            paragraphs=["Line one\nline two <b>not bold</b>"], facts=[("When", "Monday")],
            action=("Your registration", "http://127.0.0.1:8000/registrations/x"), closing=["Bye."],
            attachments=[Attachment("event.ics", b"BEGIN:VCALENDAR", "text/calendar")])


def test_a_mail_has_plain_text_and_html_in_its_language_with_the_text_escaped():
    message = mail_message(MAIL)
    assert message.body.startswith("Hello Erika,") and "<b>not bold</b>" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and '<html lang="en">' in html and "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert "line one" not in html and "Line one<br>line two" in html


def test_in_development_each_mail_is_a_file_under_the_data_dir_and_shown_on_the_console(settings, tmp_path, capsys):
    settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH = "hub.mail.FilesAndConsoleBackend", tmp_path / "mail"
    mail_send(MAIL)
    [path] = (tmp_path / "mail").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "erika@example.org" and message.get_body(("plain",)).get_content().startswith("Hello")
    assert "mail to erika@example.org: Your seat" in capsys.readouterr().err
