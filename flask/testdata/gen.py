#!/usr/bin/env python3
"""Writes the golden Flask session cookies in testdata/cookies/, one case
per file, made by real Flask at a pinned time.

Run by `go generate ./flask` (from the flask directory) with a python3 that
has Flask; an optional argument names another output directory. Everything
is deterministic: the clock is pinned and there is no randomness, so running
it again rewrites the same files, with Flask 3.x as with Flask 2.2 (which
has no SECRET_KEY_FALLBACKS: there, loading with a fallback secret is done
as Flask 3.1 does it, by trying each secret in turn).

Each file holds:
  secret_keys  the Go codec's Options.SecretKeys, hex, current first
  salt, max_age (seconds)
  now          Unix time at which the cookie is decoded
  cookie       the value Flask set (or, for negative cases, a value derived
               from one as described)
  flask_loads  whether Flask itself loads the cookie at `now`
  want         "ok", "stale", "expired" or "invalid": what Decode must say
  error        for rejected cookies, text Decode's error must contain
  issued_at    the cookie's timestamp
  compressed   whether the payload is zlib-compressed
  tagged       for loadable cookies, Flask's tagged JSON of the session as
               Flask loaded it, dumped inside a request
  resigns      whether Flask, signing the loaded session again at
               issued_at, writes the same cookie byte for byte
"""

import datetime
import json
import os
import sys
import uuid

import itsdangerous.timed
from flask import Flask, session
from markupsafe import Markup

NOW = 1767225600  # 2026-01-01T00:00:00Z
DAY = 24 * 3600

CURRENT = b"golden current secret key, 32 bytes+"
FALLBACK = b"golden previous secret key"
UNICODE = "cl\u00e9 secr\u00e8te \U0001f511".encode("utf-8")
WRONG = b"some other application's secret"

clock = {"now": NOW}
itsdangerous.timed.TimestampSigner.get_timestamp = lambda self: clock["now"]

utc = datetime.timezone.utc
CASES = {
    "plain": {"user": "harry", "id": 42, "admin": False, "nothing": None, "ratio": 0.5},
    "unicode": {
        "name": "Zo\u00eb \U0001f600 \u2713",
        "controls": "\x00\x01\x1f\x7f\b\f\n\r\t\"\\/<>&'\u2028\u2029",
        "\u043a\u043b\u044e\u0447": "\u0437\u043d\u0430\u0447\u0435\u043d\u0438\u0435",
        "": "empty key",
    },
    "integers": {
        "big": 2**70,
        "negative_big": -(2**70),
        "max_int64": 2**63 - 1,
        "min_int64": -(2**63),
        "above_int64": 2**63,
        "max_uint64": 2**64 - 1,
        "above_uint64": 2**64,
        "huge": 10**60,
        "zero": 0,
    },
    "floats": {
        "f": [0.1, 1e16, 1e15, 1e-05, 0.0001, -0.0, 1.5e300, 5e-324, 123.456,
              2.0**53, 1e22, 1 / 3, -2.5e-7, 9007199254740993.0],
        "specials": [float("nan"), float("inf"), float("-inf")],
    },
    "nested": {
        "a": {"b": [1, {"c": [[]]}, {}], "d": {}},
        "list": [1, "x", None, True, [2, [3, [4]]]],
    },
    "tags": {
        "tuple": (1, "two", (3, (4,)), [5]),
        "empty_tuple": (),
        "bytes": b"\x00\xff\xfebytes",
        "empty_bytes": b"",
        "markup": Markup("<b>hi</b> &amp; \u00e9"),
        "uuid": uuid.UUID("12345678-9abc-def0-1234-56789abcdef0"),
        "aware": datetime.datetime(2025, 3, 4, 5, 6, 7, tzinfo=utc),
        "naive": datetime.datetime(2000, 1, 1, 23, 59, 59, 999999),
        "offset": datetime.datetime(2025, 6, 1, 1, 0, 0,
                                    tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        "in_list": [(1,), b"x", Markup("m"), uuid.UUID(int=1), datetime.datetime(1999, 12, 31, tzinfo=utc)],
    },
    "di_top": {" t": "a one-key session whose key is a tag"},
    "di_nested": {
        "t": {" t": [1, 2]},
        "b": {" b": "not bytes"},
        "m": {" m": {" u": "x"}},
        "u": {" u": 1},
        "d": {" d": None},
        "di": {" di": {" di": 1}},
        "two_keys": {" t": 1, " b": 2},
        "suffix": {" t__": 1},
        "tuple_in": {" t": (1,)},
    },
    "year_below_100": {"when": datetime.datetime(50, 1, 2, 3, 4, 5, tzinfo=utc)},
    "permanent": {"_permanent": True, "user": "ron"},
    "compressed": {"text": "hello world " * 100, "numbers": list(range(200))},
    "inflate_cap": {"big": "x" * 70000},
}

app = Flask(__name__)
app.config.update(SECRET_KEY=CURRENT, SECRET_KEY_FALLBACKS=[FALLBACK])
HAS_FALLBACKS = "SECRET_KEY_FALLBACKS" in Flask.default_config
current_case = {}
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cookies")


@app.route("/set")
def set_session():
    data = current_case["data"]
    if data.get("_permanent"):
        session.permanent = True
    for k, v in data.items():
        if k != "_permanent":
            session[k] = v
    return ""


@app.route("/load")
def load_session():
    out = {"loaded": bool(session)}
    if session:
        ser = app.session_interface.serializer
        out["tagged"] = ser.dumps(dict(session))
        # Sign it again as the application whose current secret is the
        # first of the case's keys.
        loaded_with = app.config["SECRET_KEY"]
        app.config["SECRET_KEY"] = current_case["sign_key"]
        s = app.session_interface.get_signing_serializer(app)
        clock["now"] = current_case["issued_at"]
        out["resigned"] = s.dumps(dict(session))
        clock["now"] = current_case["now"]
        app.config["SECRET_KEY"] = loaded_with
    return out


def set_cookie_value(resp):
    for h in resp.headers.getlist("Set-Cookie"):
        name, _, rest = h.partition("=")
        if name == "session":
            return rest.split(";", 1)[0]
    raise SystemExit("no session cookie set")


def make(data, secret=CURRENT, at=NOW):
    """Flask sets the session to data in a request at time at."""
    clock["now"] = at
    app.config["SECRET_KEY"] = secret
    current_case["data"] = data
    with app.test_client() as c:
        value = set_cookie_value(c.get("/set"))
    app.config["SECRET_KEY"] = CURRENT
    return value


def load_once(value, secret, fallbacks):
    app.config.update(SECRET_KEY=secret, SECRET_KEY_FALLBACKS=list(fallbacks))
    with app.test_request_context("/load", headers={"Cookie": "session=" + value}):
        out = json.loads(app.full_dispatch_request().get_data())
    app.config.update(SECRET_KEY=CURRENT, SECRET_KEY_FALLBACKS=[FALLBACK])
    return out


def load(value, issued_at, now=NOW, secret=CURRENT, fallbacks=(FALLBACK,)):
    """Flask loads value in a request at time now."""
    clock["now"] = now
    current_case.update(issued_at=issued_at, now=now, sign_key=secret)
    if HAS_FALLBACKS:
        return load_once(value, secret, fallbacks)
    for key in (secret, *fallbacks):
        out = load_once(value, key, ())
        if out["loaded"]:
            break
    return out


def write(name, value, want, issued_at, keys=(CURRENT, FALLBACK), now=NOW, error=None):
    secret, *fallbacks = keys
    out = load(value, issued_at, now=now, secret=secret, fallbacks=fallbacks)
    case = {
        "secret_keys": [k.hex() for k in keys],
        "salt": "cookie-session",
        "max_age": 31 * DAY,
        "now": now,
        "issued_at": issued_at,
        "cookie": value,
        "compressed": value.startswith("."),
        "flask_loads": out["loaded"],
        "want": want,
    }
    if error:
        case["error"] = error
    if out["loaded"]:
        case["tagged"] = out["tagged"]
        case["resigns"] = out["resigned"] == value
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        json.dump(case, f, indent=1, sort_keys=True)
        f.write("\n")


def tamper(value, i):
    """Changes the character at i to another base64url character."""
    c = value[i]
    return value[:i] + ("A" if c != "A" else "B") + value[i + 1:]


def main():
    global OUT
    if len(sys.argv) > 1:
        OUT = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)
    for name, data in CASES.items():
        value = make(data)
        if name == "inflate_cap":
            write(name, value, "invalid", NOW, error="payload inflates beyond 65536 bytes")
        else:
            write(name, value, "ok", NOW)

    plain = CASES["plain"]
    write("unicode_secret", make(plain, secret=UNICODE), "ok", NOW, keys=(UNICODE,))
    write("fallback", make(plain, secret=FALLBACK), "stale", NOW)
    bad = "signature does not match"
    write("wrong_key", make(plain, secret=WRONG), "invalid", NOW, error=bad)
    old = NOW - 31 * DAY - 1
    write("expired", make(plain, at=old), "expired", old, error="cookie expired 1s ago (max age 744h)")
    edge = NOW - 31 * DAY
    write("max_age_edge", make(plain, at=edge), "ok", edge)
    write("future", make(plain, at=NOW + 1), "invalid", NOW + 1, error="signed 1s in the future (skew 0s)")
    value = make(plain)
    payload_end = value.index(".")
    write("tampered_payload", tamper(value, payload_end // 2), "invalid", NOW, error=bad)
    write("tampered_timestamp", tamper(value, payload_end + 2), "invalid", NOW, error=bad)
    write("tampered_signature", tamper(value, len(value) - 5), "invalid", NOW, error=bad)
    write("truncated", value[:-1], "invalid", NOW, error="signature is 26 characters, want 27")
    compressed = make(CASES["compressed"])
    write("tampered_compressed", tamper(compressed, 5), "invalid", NOW, error=bad)


if __name__ == "__main__":
    sys.exit(main())
