"""The baseline: a bare Flask route served by the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "<!doctype html><title>bare</title><h1>Hello</h1>"
