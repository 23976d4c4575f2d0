"""A real Flask application for interop/flask_test.go.

Reads one JSON request on stdin and writes one JSON response on stdout, so
that a whole batch of cases costs one interpreter start. Works with Flask
2.2 (Debian's python3-flask) and Flask 3.x.

Request:  {"ops": [op, ...]}
  {"op": "make", "case": NAME, "secret": HEX, "at": UNIX}
      Flask sets session to CASES[NAME] in a request at time `at`, signed
      with `secret`; the result holds the Set-Cookie value.
  {"op": "load", "cookie": VALUE, "secret": HEX, "fallbacks": [HEX],
   "now": UNIX, "resign_at": UNIX}
      Flask receives the cookie in a request at time `now`, with SECRET_KEY
      and SECRET_KEY_FALLBACKS as given, and reports what its session holds:
      "loaded", the session as Flask's tagged JSON ("tagged"), the Python
      type of each top-level value ("types"), the session signed again at
      `resign_at` ("resigned"), and how itsdangerous itself judges the cookie
      ("verdict": "ok" or the exception's class name). If opening the
      session raises (Flask answers 500), "raised" is the exception's class.
  {"op": "sign_raw", "payload": TEXT, "compress": bool, "secret": HEX,
   "at": UNIX}
      itsdangerous, configured as Flask's session interface, signs TEXT as
      the payload at time `at` (zlib-compressed if asked), without Flask's
      JSON serializer, so that any text can be tried; then Flask loads the
      cookie as for "load" at the same time. The result is load's, with the
      cookie.
Response: {"flask": VERSION, "fallbacks": bool, "results": [result, ...]}
"""

import datetime
import json
import sys
import uuid
import zlib

import flask
import itsdangerous
import itsdangerous.timed
from flask import Flask, session
from markupsafe import Markup

try:
    from importlib.metadata import version
    FLASK_VERSION = version("flask")
except Exception:  # pragma: no cover
    FLASK_VERSION = getattr(flask, "__version__", "unknown")

clock = {"now": 0}
itsdangerous.timed.TimestampSigner.get_timestamp = lambda self: clock["now"]

utc = datetime.timezone.utc
CASES = {
    "plain": {"user": "harry", "id": 42, "admin": False, "nothing": None, "ratio": 0.5},
    "unicode": {
        "name": "Zo\u00eb \U0001f600 \u2713",
        "controls": "\x00\x1f\x7f\n\"\\</script>&\u2028",
        "\u043a\u043b\u044e\u0447": "\u0437\u043d\u0430\u0447\u0435\u043d\u0438\u0435",
    },
    "big_ints": {
        "big": 2**70,
        "negative_big": -(2**70),
        "max_int64": 2**63 - 1,
        "min_int64": -(2**63),
        "max_uint64": 2**64 - 1,
        "above_uint64": 2**64,
    },
    "nested": {"a": {"b": [1, {"c": [[]]}, {}]}, "list": [1, "x", None, True, 2.5]},
    "tags": {
        "tuple": (1, "two", (3,)),
        "bytes": b"\x00\xffhi",
        "markup": Markup("<b>hi</b>"),
        "uuid": uuid.UUID("12345678-9abc-def0-1234-56789abcdef0"),
        "when": datetime.datetime(2025, 3, 4, 5, 6, 7, tzinfo=utc),
    },
    "di": {" t": [1, {" m": "not markup"}]},
    "compressed": {"text": "hello world " * 200},
}

app = Flask(__name__)
app.config["SECRET_KEY"] = b"placeholder, replaced by each op"
HAS_FALLBACKS = "SECRET_KEY_FALLBACKS" in app.config
state = {}


@app.route("/set")
def set_session():
    session.update(CASES[state["case"]])
    return ""


@app.route("/load")
def load_session():
    out = {"loaded": bool(session)}
    if session:
        out["tagged"] = app.session_interface.serializer.dumps(dict(session))
        out["types"] = {k: type(v).__name__ for k, v in session.items()}
        clock["now"] = state["resign_at"]
        out["resigned"] = app.session_interface.get_signing_serializer(app).dumps(dict(session))
        clock["now"] = state["now"]
    return json.dumps(out)


def configure(secret, fallbacks=()):
    app.config["SECRET_KEY"] = bytes.fromhex(secret)
    if HAS_FALLBACKS:
        app.config["SECRET_KEY_FALLBACKS"] = [bytes.fromhex(f) for f in fallbacks]


def make(op):
    configure(op["secret"])
    clock["now"] = op["at"]
    state["case"] = op["case"]
    with app.test_client() as c:
        resp = c.get("/set")
    for h in resp.headers.getlist("Set-Cookie"):
        name, _, rest = h.partition("=")
        if name == app.config["SESSION_COOKIE_NAME"]:
            return {"cookie": rest.split(";", 1)[0]}
    return {"error": "no session cookie set"}


def load(op):
    configure(op["secret"], op.get("fallbacks", ()))
    clock["now"] = op["now"]
    state.update(now=op["now"], resign_at=op.get("resign_at", op["now"]))
    cookie = app.config["SESSION_COOKIE_NAME"] + "=" + op["cookie"]
    try:
        with app.test_request_context("/load", headers={"Cookie": cookie}):
            out = json.loads(app.full_dispatch_request().get_data())
    except Exception as e:
        out = {"loaded": False, "raised": type(e).__name__}
    with app.test_request_context("/"):
        s = app.session_interface.get_signing_serializer(app)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            s.loads(op["cookie"], max_age=max_age)
            out["verdict"] = "ok"
        except itsdangerous.BadData as e:
            out["verdict"] = type(e).__name__
    return out


def sign_raw(op):
    configure(op["secret"])
    clock["now"] = op["at"]
    with app.test_request_context("/"):
        s = app.session_interface.get_signing_serializer(app)
        data = op["payload"].encode("utf-8")
        prefix = b""
        if op.get("compress"):
            data, prefix = zlib.compress(data), b"."
        signer = s.make_signer(s.salt)
        cookie = signer.sign(prefix + itsdangerous.encoding.base64_encode(data)).decode("ascii")
    out = load({"cookie": cookie, "secret": op["secret"], "now": op["at"]})
    out["cookie"] = cookie
    return out


def main():
    req = json.load(sys.stdin)
    results = []
    for op in req["ops"]:
        results.append({"make": make, "load": load, "sign_raw": sign_raw}[op["op"]](op))
    json.dump({"flask": FLASK_VERSION, "fallbacks": HAS_FALLBACKS, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
