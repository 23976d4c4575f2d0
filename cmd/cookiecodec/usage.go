package main

// exitStatuses ends every usage text.
const exitStatuses = `
Exit status:
  0  success
  1  the cookie was rejected: malformed, tampered with, signed by an unknown
     key, made for another cookie name, expired, or input over 1 MiB
  2  usage or configuration error: unknown command or flag, missing or
     malformed key file or secret, invalid JSON input, or a session that
     does not fit in a cookie
`

// keysFrom describes where encode and decode find their keys.
const keysFrom = `
Keys (native format): --keys FILE if given, else one of the two variables
(setting both is an error):
  --keys FILE             a key file made by 'cookiecodec keys init'
  COOKIECODEC_KEYS        text-form keys, comma-separated, the first primary
  COOKIECODEC_KEY_FILE    the path of a key file
Secrets (Flask format), the first found of:
  --secret-file FILE      one secret per line: the first is Flask's SECRET_KEY,
                          later lines are SECRET_KEY_FALLBACKS; one trailing
                          newline per line is not part of the secret
  FLASK_SECRET_KEY        the current secret
`

const usageMain = `usage: cookiecodec COMMAND [ARGS]

Make and rotate keys, and encode, decode and inspect session cookies, both
cookiecodec's own and Flask's.

Commands:
  keygen                    print a new random key in text form
  keys init FILE            create a key file with one new primary key
  keys add FILE             add a new decode-only key; print its id
  keys promote FILE ID      make key ID the primary
  keys retire FILE ID       remove key ID (never the primary)
  keys list FILE            list the keys: id, status, created
  encode                    JSON object on stdin -> cookie value on stdout
  decode [VALUE|-]          cookie -> the session as JSON on stdout
  inspect [VALUE|-]         show what a cookie claims, without any key
  version                   print the version
  help [COMMAND]            print the usage of a command

Run 'cookiecodec COMMAND -h' for a command's flags and examples.
` + exitStatuses

const usageKeygen = `usage: cookiecodec keygen

Print a new random 32-byte key in text form (43 characters of base64url)
and a newline, for COOKIECODEC_KEYS or a secret store. Key files are made
with 'cookiecodec keys init' instead.

Example:
  export COOKIECODEC_KEYS=$(cookiecodec keygen)
` + exitStatuses

const usageKeys = `usage: cookiecodec keys COMMAND FILE [ID]

Manage a key file. Key files are JSON, written atomically with mode 0600.
A key file holds one primary key, which seals new cookies, and any number
of decode-only keys, which only open them. Commands that change the file
hold a lock on FILE.lock meanwhile, so that commands run at once never
lose each other's changes.

Commands:
  keys init FILE            create FILE with one new primary key; refuse to
                            overwrite an existing file
  keys add FILE             add a new decode-only key; print its id
  keys promote FILE ID      make ID the primary; the old primary becomes
                            decode-only
  keys retire FILE ID       remove ID; refuse to remove the primary, or a
                            key demoted less than --max-age ago
  keys list FILE            one line per key: id, status, created, and
                            when it was demoted

Rotating keys across servers:
  1. cookiecodec keys add keys.json        roll the file out everywhere
  2. cookiecodec keys promote keys.json ID once every server has the new key
  3. cookiecodec keys retire keys.json OLD once the old primary's cookies
                                           have expired (MaxAge later; retire
                                           refuses before)
` + exitStatuses

const usageKeysInit = `usage: cookiecodec keys init FILE

Create the key file FILE with one new random primary key, mode 0600, and
print the key's id. An existing FILE is never overwritten.

Example:
  cookiecodec keys init keys.json
` + exitStatuses

const usageKeysAdd = `usage: cookiecodec keys add FILE

Add a new random decode-only key to the key file FILE and print its id.
Roll the file out to every server before promoting the key.

Example:
  cookiecodec keys add keys.json
` + exitStatuses

const usageKeysPromote = `usage: cookiecodec keys promote FILE ID

Make the key ID (8 hexadecimal digits, from 'keys list') the primary of the
key file FILE. The old primary stays as a decode-only key, and the file
records when it was demoted, for 'keys retire'.

Example:
  cookiecodec keys promote keys.json 1a2b3c4d
` + exitStatuses

const usageKeysRetire = `usage: cookiecodec keys retire [--max-age D] [--force] FILE ID

Remove the key ID from the key file FILE. Cookies sealed with a removed key
are rejected, so that everyone holding one is logged out. The primary cannot
be removed: promote another key first. A key demoted less than --max-age
ago may still have sealed cookies that are valid: retire refuses it, says
when it will be safe, and exits 2, unless --force is given. A key that never
was the primary is removed at once. Key files written by releases before
the demotion time was recorded (version 1) count their decode-only keys as
demoted when the file was last modified.

Flags:
  --max-age D        the MaxAge of the apps that use FILE, a duration such
                     as 12h or 31d (default 31d)
  --force            remove the key even if cookies it sealed are valid

Example:
  cookiecodec keys retire keys.json 1a2b3c4d
` + exitStatuses

const usageKeysList = `usage: cookiecodec keys list FILE

Print one line per key of the key file FILE: its id, its status (primary
or decode-only) and when it was created. Secrets are never printed.

Example:
  cookiecodec keys list keys.json
` + exitStatuses

const usageEncode = `usage: cookiecodec encode [--keys FILE] [--name N] [--encrypt] [--compress]
       cookiecodec encode --format flask [--secret-file FILE]

Read a session as a JSON object on stdin and print a cookie value for it.
Integers written without fraction or exponent become 64-bit integers,
exactly; other numbers become floats. Strings stay strings: decode prints
bytes and times as strings too.

Flags:
  --keys FILE        key file (see Keys below)
  --name N           cookie name the value is sealed for (default session)
  --encrypt          encrypt the session, so the client cannot read it
  --compress         compress the session when that makes it shorter; see
                     the package documentation on the length side channel
  --format F         native (default) or flask
  --secret-file FILE Flask secrets (see Secrets below)

With --format flask the input is Flask's tagged JSON (what decode --tagged
prints), so tuples, bytes, Markup, UUIDs and datetimes keep their types;
plain JSON objects are tagged JSON too. Flask does not bind the cookie
name, so --name does not apply. Flask's own rule decides compression.
` + keysFrom + `
Examples:
  echo '{"user":"ada","uid":12345678901234567890}' | cookiecodec encode --keys keys.json
  cookiecodec decode --tagged --secret-file secrets.txt "$C" | jq '.user = "bob"' |
      cookiecodec encode --format flask --secret-file secrets.txt
` + exitStatuses

const usageDecode = `usage: cookiecodec decode [--keys FILE] [--name N] [--max-age D] [--json] [VALUE|-]
       cookiecodec decode --format flask [--secret-file FILE] [--tagged] [VALUE|-]
       cookiecodec decode --format gorilla --hash-key-file FILE [--block-key-file FILE]
                          [--serializer gob|json] [--name N] [--max-age D] [VALUE|-]

Verify a cookie and print its session as a JSON object on stdout: integers
exactly, bytes as standard base64, times as RFC 3339 in UTC. What opened
it (format, mode, key id and whether it is the primary, issued-at and age)
goes to stderr, or with --json into a wrapper object on stdout. A cookie
opened with a decode-only key is valid, and a hint says that a server would
re-issue it under the primary.

VALUE is the cookie value, a "Cookie:" or "Set-Cookie:" header line, or a
"name=value; name2=value2" string copied from a browser; the cookie named
--name is picked. Without VALUE, or with "-", the input is read from stdin
(at most 1 MiB).

Flags:
  --keys FILE        key file (see Keys below)
  --name N           cookie name (default session)
  --max-age D        reject cookies issued longer ago than D, a duration
                     such as 90m, 12h or 31d (default 31d)
  --json             print {"session": ..., and the metadata} on stdout
  --format F         auto (default: by the cookie's shape), native, flask
                     or gorilla (gorilla/securecookie and gorilla/sessions)
  --secret-file FILE Flask secrets (see Secrets below)
  --tagged           Flask: print Flask's own tagged JSON, which encode
                     --format flask reads back with every type kept
  --hash-key-file F  gorilla: the hash key given to securecookie.New, as raw
                     bytes; one trailing newline is not part of the key
  --block-key-file F gorilla: the block key (16, 24 or 32 bytes), if any.
                     Repeat both flags for several key pairs, tried in
                     order as securecookie.CodecsFromPairs has them
  --serializer S     gorilla: gob (default, as securecookie and
                     gorilla/sessions) or json; --max-age defaults to 30d
                     and --name must be the cookie's, which gorilla signs
` + keysFrom + `
Examples:
  cookiecodec decode --keys keys.json 'AQAzN4Vu...'
  pbpaste | cookiecodec decode --max-age 12h        # a copied Cookie: line
  FLASK_SECRET_KEY=dev cookiecodec decode 'eyJ1c2VyIjoiYWRhIn0.Z0f2bA.xyz...'
  cookiecodec decode --format gorilla --hash-key-file hash.key \
      --block-key-file block.key --name session-name 'MTczMjk...'
` + exitStatuses

const usageInspect = `usage: cookiecodec inspect [--json] [--name N] [VALUE|-]

Show what a cookie claims, without any key: format and version, mode, key
id, issued-at and age, and sizes. For a signed cookie, which the client can
read anyway, also the payload, marked UNVERIFIED. Nothing inspect prints
is authenticated: anyone can make a cookie that shows these values. Use
decode to verify. Flask cookies show their timestamp and payload, gorilla
cookies their timestamp and the length of their body.

VALUE is read as by decode: a value, a Cookie or Set-Cookie line, or a
cookie list, from which the cookie named --name (default session) is
picked; stdin without VALUE or with "-".

Flags:
  --json             print the result as a JSON object
  --name N           cookie name to pick from a header (default session)

Examples:
  cookiecodec inspect 'AQAzN4Vu...'
  cookiecodec inspect --json 'Cookie: theme=dark; session=AQAzN4Vu...'
` + exitStatuses

const usageVersion = `usage: cookiecodec version

Print the version of cookiecodec this program was built from.
` + exitStatuses

// usages maps command names to their usage texts, for "help COMMAND".
var usages = map[string]string{
	"keygen":       usageKeygen,
	"keys":         usageKeys,
	"keys init":    usageKeysInit,
	"keys add":     usageKeysAdd,
	"keys promote": usageKeysPromote,
	"keys retire":  usageKeysRetire,
	"keys list":    usageKeysList,
	"encode":       usageEncode,
	"decode":       usageDecode,
	"inspect":      usageInspect,
	"version":      usageVersion,
}
