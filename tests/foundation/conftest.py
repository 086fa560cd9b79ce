"""Fixtures of the foundation tests.

`smtp_server` here replaces the one of tests/conftest.py for this folder: aiosmtpd's
Controller with port=0 fails at start (it connects to the port it was given to check the
server is up), so the server gets a free port picked beforehand.
"""
import socket

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import SmtpServer


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FixedPortSmtpServer(SmtpServer):
    def __init__(self):
        super().__init__()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port())


@pytest.fixture
def smtp_server(app):
    server = FixedPortSmtpServer()
    server.start()
    state = app.extensions["mail"]
    old = app.config["MAIL_SERVER"], app.config["MAIL_PORT"], state.server, state.port
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    state.server, state.port = "127.0.0.1", server.port
    yield server
    server.stop()
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"], state.server, state.port = old
