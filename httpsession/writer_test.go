package httpsession

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHeaderOrder runs handlers that start their response in every way a
// handler can, through a real server, and checks that the session cookie
// arrives with the headers.
func TestHeaderOrder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "body.txt")
	if err := os.WriteFile(file, []byte("file body"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		handler  func(t *testing.T, w http.ResponseWriter, s *Session)
		wantKeys []string // keys of the saved session; nil for no cookie
		wantLog  string   // a substring of the middleware's log; "" for none
		wantBody string
	}{
		{"no write", func(t *testing.T, w http.ResponseWriter, s *Session) {
			s.Set("a", 1)
		}, []string{"a"}, "", ""},
		{"write before WriteHeader", func(t *testing.T, w http.ResponseWriter, s *Session) {
			s.Set("a", 1)
			io.WriteString(w, "body")
		}, []string{"a"}, "", "body"},
		{"WriteHeader", func(t *testing.T, w http.ResponseWriter, s *Session) {
			s.Set("a", 1)
			w.WriteHeader(http.StatusCreated)
			s.Set("b", 2)
		}, []string{"a"}, "changed after the response headers were sent", ""},
		{"Flush", func(t *testing.T, w http.ResponseWriter, s *Session) {
			s.Set("a", 1)
			w.(http.Flusher).Flush()
		}, []string{"a"}, "", ""},
		{"ResponseController Flush", func(t *testing.T, w http.ResponseWriter, s *Session) {
			s.Set("a", 1)
			rc := http.NewResponseController(w)
			if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
				t.Errorf("SetWriteDeadline through Unwrap: %v", err)
			}
			if err := rc.Flush(); err != nil {
				t.Errorf("ResponseController.Flush: %v", err)
			}
		}, []string{"a"}, "", ""},
		{"ReadFrom", func(t *testing.T, w http.ResponseWriter, s *Session) {
			s.Set("a", 1)
			w.(io.ReaderFrom).ReadFrom(strings.NewReader("read from"))
		}, []string{"a"}, "", "read from"},
		{"io.Copy of a file", func(t *testing.T, w http.ResponseWriter, s *Session) {
			s.Set("a", 1)
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			io.Copy(w, f)
		}, []string{"a"}, "", "file body"},
		{"early hints", func(t *testing.T, w http.ResponseWriter, s *Session) {
			w.Header().Set("Link", "</style.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			s.Set("a", 1)
			io.WriteString(w, "after hints")
		}, []string{"a"}, "", "after hints"},
		{"set after write", func(t *testing.T, w http.ResponseWriter, s *Session) {
			io.WriteString(w, "body")
			s.Set("a", 1)
		}, nil, "changed after the response headers were sent", "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, logs := newMiddleware(t, nil, Options{})
			srv := httptest.NewServer(m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tc.handler(t, w, From(r))
			})))
			defer srv.Close()
			var hints int
			req, _ := http.NewRequest("GET", srv.URL, nil)
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
				Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
					if len(h["Set-Cookie"]) > 0 {
						t.Errorf("%d response carries Set-Cookie", code)
					}
					hints++
					return nil
				},
			}))
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != tc.wantBody {
				t.Errorf("body = %q, want %q", body, tc.wantBody)
			}
			cs := resp.Cookies()
			switch {
			case tc.wantKeys == nil && len(cs) != 0:
				t.Errorf("Set-Cookie = %q, want none", setCookies(resp))
			case tc.wantKeys != nil && len(cs) != 1:
				t.Errorf("Set-Cookie = %q, want one cookie", setCookies(resp))
			case tc.wantKeys != nil:
				s, _, err := m.codec.Decode(m.name, cs[0].Value)
				if err != nil {
					t.Fatal(err)
				}
				if len(s) != len(tc.wantKeys) {
					t.Errorf("saved session = %v, want keys %q", s, tc.wantKeys)
				}
				for _, k := range tc.wantKeys {
					if _, ok := s[k]; !ok {
						t.Errorf("saved session = %v, want keys %q", s, tc.wantKeys)
					}
				}
			}
			if tc.name == "early hints" && hints != 1 {
				t.Errorf("got %d informational responses, want 1", hints)
			}
			if got := logs.String(); tc.wantLog == "" && got != "" || !strings.Contains(got, tc.wantLog) {
				t.Errorf("log = %q, want %q", got, tc.wantLog)
			}
		})
	}
}

func TestHijack(t *testing.T) {
	for _, tc := range []struct {
		name    string
		modify  bool
		wantLog string
	}{
		{"read only", false, ""},
		{"unsaved change", true, "hijacked with unsaved session changes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, logs := newMiddleware(t, nil, Options{})
			srv := httptest.NewServer(m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s := From(r)
				s.Get("a")
				if tc.modify {
					s.Set("a", 1)
				}
				conn, brw, err := w.(http.Hijacker).Hijack()
				if err != nil {
					t.Errorf("Hijack: %v", err)
					return
				}
				defer conn.Close()
				brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
				brw.Flush()
			})))
			defer srv.Close()
			resp, err := srv.Client().Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "hijacked" {
				t.Errorf("body = %q, want hijacked", body)
			}
			if got := logs.String(); tc.wantLog == "" && got != "" || !strings.Contains(got, tc.wantLog) {
				t.Errorf("log = %q, want %q", got, tc.wantLog)
			}
		})
	}
}
