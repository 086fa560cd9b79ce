"""Clear error pages: too large, not found, no access, form expired."""


def test_body_over_max_content_length_is_413_with_a_clear_message(app, client):
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    try:
        response = client.post("/login/", data={"username": "x" * (1024 * 1024 + 10)})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Te groot" in page
    assert "Het bestand is te groot (maximaal 1 MB)." in page


def test_unknown_url_is_a_friendly_dutch_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Niet gevonden" in page and "Deze pagina bestaat niet (meer)." in page
    assert '<html lang="nl">' in page
    assert 'href="/">Naar de startpagina</a>' in page


def test_api_404_is_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json and response.json["message"]


def test_no_access_is_a_dutch_403(viewer_client):
    response = viewer_client.get("/outboxview/list/")
    assert response.status_code == 403
    assert "Geen toegang" in response.get_data(as_text=True)
