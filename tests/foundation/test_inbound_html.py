"""An HTML-only reply becomes the text a person reads (a real HTML parser, not a regex)."""
from app.mail.inbound import html_to_text, parse


def test_entities_styles_and_scripts():
    html = ("<html><head><title>Re</title><style>p { color: red }</style></head><body>"
            "<p>Tom &amp; Jerry&nbsp;komen <b>morgen</b></p><div>Perceel 12<br>Wanica</div>"
            "<script>alert(1)</script><!-- opmerking --></body></html>")
    assert html_to_text(html) == "Tom & Jerry komen morgen\nPerceel 12\nWanica"


def test_broken_or_empty_html_never_fails():
    assert html_to_text("") == ""
    assert html_to_text("<p>open <b>tags") == "open tags"
    assert html_to_text("a < b &") == "a < b &"


def test_an_html_only_message_is_parsed_to_text():
    raw = (b"From: anna@example.org\r\nTo: aanvragen@example.org\r\nSubject: Re\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
           b"<style>.x{}</style><p>Zie bijlage &amp; groet</p>\r\n")
    assert parse(raw).text == "Zie bijlage & groet"
