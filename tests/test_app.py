"""The app starts in Dutch and the login page works."""


def test_login_page_is_dutch(client):
    page = client.get("/login/").get_data(as_text=True)
    assert "Aanmelden" in page


def test_english_is_available(client):
    client.get("/lang/en")
    page = client.get("/login/").get_data(as_text=True)
    assert "Sign In" in page or "Login" in page
    assert "Aanmelden" not in page and "Wachtwoord" not in page
