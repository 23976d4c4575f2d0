package loginapp

import (
	"bytes"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/cookiecodec/cookiecodec/httpsession"
)

// pageData is what every page template reads.
type pageData struct {
	Title   string
	User    string // the logged-in user, or ""
	CSRF    string // the session's CSRF token, for forms
	Name    string // the user name typed into a failed login
	Error   string
	Note    string
	Cookies int // cookies that carried the session, for the notes demo

	Everywhere bool // show the log out everywhere button

	Flashes []httpsession.Flash // messages flashed to this page
	Theme   string              // the display theme, from the prefs cookie
	Themes  []string            // the themes the preferences page offers
}

const layout = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · cookiecodec login example</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; background: #f3f4f6; color: #111827; margin: 0; }
main { max-width: 28rem; margin: 4rem auto; background: #fff; padding: 2rem 2.5rem;
       border-radius: 0.75rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
label { display: block; margin: 0.75rem 0 0.25rem; font-weight: 600; }
input[type=text], input[type=password], textarea { width: 100%; box-sizing: border-box;
       padding: 0.5rem; border: 1px solid #9ca3af; border-radius: 0.375rem; font: inherit; }
textarea { height: 8rem; font-family: ui-monospace, monospace; font-size: 0.8rem; }
button { margin-top: 1rem; padding: 0.5rem 1.25rem; border: 0; border-radius: 0.375rem;
       background: #1d4ed8; color: #fff; font: inherit; cursor: pointer; }
button.link { background: none; color: #1d4ed8; padding: 0; margin: 0; text-decoration: underline; }
.error { background: #fee2e2; color: #991b1b; padding: 0.5rem 0.75rem; border-radius: 0.375rem; }
.flash { background: #dcfce7; color: #166534; padding: 0.5rem 0.75rem; border-radius: 0.375rem; }
.demo { color: #6b7280; font-size: 0.9rem; }
a { color: #1d4ed8; }
body.dark { background: #111827; color: #f9fafb; }
body.dark main { background: #1f2937; }
body.dark a, body.dark button.link { color: #93c5fd; }
</style>
</head>
<body class="{{.Theme}}">
<main>
{{range .Flashes}}<p class="flash {{.Category}}" id="flash">{{.Message}}</p>
{{end}}{{if .Error}}<p class="error" id="error">{{.Error}}</p>{{end}}
{{template "content" .}}
</main>
</body>
</html>
`

var (
	indexPage = page(`
<h1>cookiecodec login example</h1>
{{if .User}}
<p id="status"><strong>{{.User}}</strong> Your account is logged in.</p>
<form method="post" action="/logout">
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<button class="link" id="logout" type="submit">Click here to log out</button>
</form>
{{if .Everywhere}}<form method="post" action="/logout-everywhere">
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<button id="logout-everywhere" type="submit">Log out everywhere</button>
</form>
{{end}}<p class="demo">Demo: <a href="/notes" id="notes">store a large note in the session</a>
to see the cookie split into chunks.</p>
{{else}}
<p id="status">You are not logged in</p>
<p><a href="/login" id="login">Click here to log in</a></p>
{{end}}
<p class="demo"><span id="theme">Theme: {{.Theme}}</span>, kept in a second cookie, <code>prefs</code>,
that logging out leaves alone: <a href="/prefs" id="prefs">change it</a>.</p>`)

	loginPage = page(`
<h1>Log in</h1>
<form method="post" action="/login">
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<label for="client_name">User name</label>
<input type="text" id="client_name" name="client_name" value="{{.Name}}" autocomplete="username" required autofocus>
<label for="pwd">Password</label>
<input type="password" id="pwd" name="pwd" autocomplete="current-password" required>
<label><input type="checkbox" id="remember" name="remember" value="1"> Remember me for 30 days</label>
<button type="submit" id="submit">Log in</button>
</form>
<p class="demo">The demo user is Harry, password 12345678.</p>`)

	logoutPage = page(`
<h1>Log out</h1>
<p>Log out <strong>{{.User}}</strong>?</p>
<form method="post" action="/logout">
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<button type="submit" id="logout">Log out</button>
</form>
<p><a href="/">Back</a></p>`)

	notesPage = page(`
<h1>Notes demo</h1>
<p class="demo">Demo only: this note lives in the session cookie, to show a session
too large for one cookie split into chunks. The chunks together stay within the budget of
a Cookie header that browsers and proxies accept (6 KiB), so a note of a few thousand
bytes is the most it holds. Real applications keep large data on the server.</p>
<p id="size">Your note is {{len .Note}} bytes long; this page's request carried the session in
<span id="cookies">{{.Cookies}}</span> cookie{{if ne .Cookies 1}}s{{end}}.</p>
<form method="post" action="/notes">
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<label for="note">Note</label>
<textarea id="note" name="note">{{.Note}}</textarea>
<button type="submit" id="save">Save</button>
</form>
<p><a href="/">Home</a></p>`)

	prefsPage = page(`
<h1>Preferences</h1>
<form method="post" action="/prefs">
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<label for="theme">Theme</label>
<select id="theme" name="theme">
{{range .Themes}}<option value="{{.}}"{{if eq . $.Theme}} selected{{end}}>{{.}}</option>
{{end}}</select>
<button type="submit" id="save">Save</button>
</form>
<p><a href="/">Home</a></p>`)

	errorPage = page(`
<h1>{{.Title}}</h1>
<p><a href="/">Home</a></p>`)
)

// page returns the layout with content as its "content" template.
func page(content string) *template.Template {
	t := template.Must(template.New("layout").Parse(layout))
	return template.Must(t.New("content").Parse(content))
}

// render executes t into a buffer first, so that a template error becomes
// a clean 500 rather than half a page.
func render(w http.ResponseWriter, status int, t *template.Template, d pageData) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", d); err != nil {
		slog.Error("loginapp: rendering page", "page", d.Title, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
