"""What a person does in the browser, through the test client."""
from __future__ import annotations


def login(client, email="ada@example.org", password="correct horse"):
    """Log in as the `organiser` fixture's organiser (or another); a refusal fails the test."""
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.data
    return response
