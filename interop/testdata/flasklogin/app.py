"""The Flask session tutorial's login app, for interop/flasklogin_test.go.

The Go login example (examples/login) shares its session with this app
when both use the same SECRET_KEY: log in on one, and the other knows.

Serves on 127.0.0.1 at a free port, which it prints as the first line of
stdout. The secret comes from the environment variable FLASK_SECRET_KEY.
Works with Flask 2.2 (Debian's python3-flask) and Flask 3.x. POST /flash
flashes a message and GET /flashes returns get_flashed_messages() as JSON,
for the test of flashes shared with Go.
"""

import os
import sys

from flask import Flask, flash, get_flashed_messages, jsonify, redirect, request, session, url_for
from markupsafe import escape
from werkzeug.serving import make_server

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["FLASK_SECRET_KEY"].encode()


@app.route("/")
def index():
    if "username" in session:
        return (
            f'<p id="status"><strong>{escape(session["username"])}</strong>'
            " Your account is logged in.</p>"
            '<a href="/logout">click here to log out</a>'
        )
    return '<p id="status">You are not logged in</p><a href="/login">click here to log in</a>'


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        # The test's stand-in for a password check; the Go example checks
        # a bcrypt hash.
        if request.form.get("client_name") == "Harry" and request.form.get("pwd") == "12345678":
            session.permanent = True
            session["username"] = "Harry"
        return redirect(url_for("index"))
    return (
        '<form method="post"><input name="client_name"><input type="password" name="pwd">'
        '<button type="submit">Log in</button></form>'
    )


@app.route("/logout")
def logout():
    session.pop("username", None)
    return redirect(url_for("index"))


@app.route("/flash", methods=["POST"])
def add_flash():
    # flash() stores (category, message) tuples under "_flashes".
    flash(request.form["message"], request.form.get("category", "message"))
    return "flashed"


@app.route("/flashes")
def flashes():
    # Reading removes them from the session, as in any Flask template.
    return jsonify(get_flashed_messages(with_categories=True))


if __name__ == "__main__":
    server = make_server("127.0.0.1", 0, app)
    print(server.port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
