package main

import (
	"strings"
	"testing"
)

func TestPickCookie(t *testing.T) {
	for _, tc := range []struct {
		name, input, cookie string
		want                picked
		wantErr             string
	}{
		{"bare", "AQAB_-x", "session", picked{value: hide("AQAB_-x"), from: "value"}, ""},
		{"bare with white space", " \tAQAB\r\n", "session", picked{value: hide("AQAB"), from: "value"}, ""},
		{"bare quoted", `"AQAB"`, "session", picked{value: hide("AQAB"), from: "value"}, ""},
		{"Flask value", "eyJhIjoxfQ.Z0f2bA.sig", "session", picked{value: hide("eyJhIjoxfQ.Z0f2bA.sig"), from: "value"}, ""},
		{"Cookie header", "Cookie: a=1; session=AQAB; b=2", "session", picked{value: hide("AQAB"), from: "Cookie header"}, ""},
		{"Cookie header any case", "COOKIE:session=AQAB", "session", picked{value: hide("AQAB"), from: "Cookie header"}, ""},
		{"Cookie header quoted value", `Cookie: session="AQAB"`, "session", picked{value: hide("AQAB"), from: "Cookie header"}, ""},
		{"Cookie header duplicates", "Cookie: session=AQAB; session=CCCC; session=DDDD", "session", picked{value: hide("AQAB"), from: "Cookie header", dups: 2}, ""},
		{"Cookie header other name", "Cookie: session=AQAB; sid=CCCC", "sid", picked{value: hide("CCCC"), from: "Cookie header"}, ""},
		{"names are case-sensitive", "Cookie: Session=AQAB", "session", picked{}, `no cookie named "session" in the Cookie header (it has "Session")`},
		{"cookie list", "a=1;session=AQAB", "session", picked{value: hide("AQAB"), from: "cookie list"}, ""},
		{"single pair", "session=AQAB", "session", picked{value: hide("AQAB"), from: "cookie list"}, ""},
		{"value with '=' inside", "session=a=b", "session", picked{value: hide("a=b"), from: "cookie list"}, ""},
		{"Set-Cookie", "Set-Cookie: session=AQAB; Path=/; HttpOnly", "session", picked{value: hide("AQAB"), from: "Set-Cookie header"}, ""},
		{"Set-Cookie any case", "set-cookie:session=AQAB", "session", picked{value: hide("AQAB"), from: "Set-Cookie header"}, ""},
		{"Set-Cookie other name", "Set-Cookie: sid=AQAB; Path=/", "session", picked{}, `no cookie named "session" in the Set-Cookie header (it has "sid")`},
		{"Set-Cookie without pair", "Set-Cookie: Path=/", "session", picked{}, `(it has "Path")`},
		{"Set-Cookie empty", "Set-Cookie:", "session", picked{}, "no cookie found in the Set-Cookie header"},
		{"empty", "", "session", picked{}, "the input is empty"},
		{"only white space", " \r\n ", "session", picked{}, "the input is empty"},
		{"white space inside", "AQ AB", "session", picked{}, "no cookie found in the input"},
		{"Set-Cookie lines", "Set-Cookie: a=1; Path=/\r\nSet-Cookie: session=AQAB; HttpOnly\r\n", "session", picked{value: hide("AQAB"), from: "Set-Cookie header"}, ""},
		{"browser table row", "session\tAQAB\texample.com\t/\t2026-12-29T01:00:00.000Z\t11\t✓\t\tLax", "session", picked{value: hide("AQAB"), from: "cookie table row"}, ""},
		{"browser table rows", "theme\tdark\nsession\tAQAB\texample.com", "session", picked{value: hide("AQAB"), from: "cookie table row"}, ""},
		{"cookie jar line", "example.com\tFALSE\t/\tTRUE\t1798000000\tsession\tAQAB", "session", picked{value: hide("AQAB"), from: "cookie-jar line"}, ""},
		{"cookie jar file", "# Netscape HTTP Cookie File\n# comment\n\n#HttpOnly_example.com\tFALSE\t/\tFALSE\t0\tsession\tAQAB\n", "session", picked{value: hide("AQAB"), from: "cookie-jar line"}, ""},
		{"name: value", "session: AQAB", "session", picked{value: hide("AQAB"), from: "name: value line"}, ""},
		{"name: value quoted", `session: "AQAB"`, "session", picked{value: hide("AQAB"), from: "name: value line"}, ""},
		{"curl -H", "curl 'https://example.com/' \\\n  -H 'Accept: */*' \\\n  -H 'Cookie: a=1; session=AQAB' \\\n  --compressed", "session", picked{value: hide("AQAB"), from: "curl command"}, ""},
		{"curl --header double quotes", `curl "https://example.com/" --header "cookie: session=AQAB"`, "session", picked{value: hide("AQAB"), from: "curl command"}, ""},
		{"curl -b", "curl 'https://example.com/' -b 'theme=dark; session=AQAB' -H 'accept: text/html'", "session", picked{value: hide("AQAB"), from: "curl command"}, ""},
		{"curl $'...'", `curl 'https://example.com/' -b $'session=AQAB; t=\'x\''`, "session", picked{value: hide("AQAB"), from: "curl command"}, ""},
		{"curl --cookie", `curl --cookie session=AQAB https://example.com/`, "session", picked{value: hide("AQAB"), from: "curl command"}, ""},
		{"curl unterminated", `curl -b 'session=AQAB`, "session", picked{}, "the curl command does not parse: unterminated single quote"},
		{"mixed lines", "Cookie: a=1\nSet-Cookie: session=AQAB", "session", picked{value: hide("AQAB"), from: "input"}, ""},
		{"chunked Cookie header", "Cookie: session=3~AQ; session.1=AB; x=1; session.2=CD", "session", picked{value: hide("AQABCD"), from: "Cookie header", chunks: 3}, ""},
		{"chunked Set-Cookie lines", "Set-Cookie: session=2~AQ; Path=/; HttpOnly\nSet-Cookie: session.1=AB; Path=/; HttpOnly", "session", picked{value: hide("AQAB"), from: "Set-Cookie header", chunks: 2}, ""},
		{"chunked cookie list", "session.1=AB; session=2~AQ", "session", picked{value: hide("AQAB"), from: "cookie list", chunks: 2}, ""},
		{"chunk missing", "Cookie: session=3~AQ; session.2=CD", "session", picked{}, `chunk session.1 of the 3 that cookie "session" says it has is missing from the Cookie header`},
		{"chunk extra", "Cookie: session=2~AQ; session.1=AB; session.2=CD", "session", picked{}, `chunk session.2 is extra: cookie "session" says it has 2 chunks, the last of them session.1`},
		{"chunks without first", "Cookie: session.1=AB; session.2=CD", "session", picked{}, `the Cookie header holds chunk session.1 of cookie "session" without its first cookie "session"`},
		{"chunk of unchunked", "Cookie: session=AQ; session.1=AB", "session", picked{}, `the Cookie header holds chunk session.1, but cookie "session" does not start with a chunk count`},
		{"only chunk missing", "Cookie: session=2~AQ", "session", picked{}, `chunk session.1 of the 2 that cookie "session" says it has is missing`},
		{"first chunk empty", "Cookie: session=2~; session.1=AB", "session", picked{}, `cookie "session" holds only its chunk count, the first of its 2 chunks is empty`},
		{"count alone", "Cookie: session=2~", "session", picked{}, `chunk session.1 of the 2 that cookie "session" says it has is missing`},
		{"chunk empty", "Cookie: session=3~AQ; session.1=; session.2=CD", "session", picked{}, `chunk session.1 of cookie "session" is empty in the Cookie header`},
		{"one chunk", "Cookie: session=1~AQ", "session", picked{}, `cookie "session" claims 1 chunk, and a chunked cookie has 2 to 99`},
		{"not found", "a=1; b=2", "session", picked{}, `no cookie named "session" in the cookie list (it has "a", "b")`},
		{"not found among many", "a=1;b=2;c=3;d=4;e=5;f=6;g=7", "session", picked{}, `(it has "a", "b", "c", "d", "e" and 2 more)`},
		{"long names shortened", "Cookie: " + strings.Repeat("n", 100) + "=1", "session", picked{}, strings.Repeat("n", 40) + `..."`},
		{"no pairs", ";;;", "session", picked{}, `no cookie found in the cookie list`},
		{"empty value", "session=; a=1", "session", picked{}, `cookie "session" is empty in the cookie list`},
		{"empty quoted value", `session=""`, "session", picked{}, `cookie "session" is empty`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pickCookie(tc.input, tc.cookie)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("pickCookie(%q) err = %v, want %q", tc.input, err, tc.wantErr)
				}
				return
			}
			if err != nil || got.value.reveal() != tc.want.value.reveal() || got.from != tc.want.from || got.dups != tc.want.dups || got.chunks != tc.want.chunks {
				t.Errorf("pickCookie(%q) = %q from %s, %d dups, %d chunks, %v; want %q from %s, %d dups, %d chunks",
					tc.input, got.value.reveal(), got.from, got.dups, got.chunks, err, tc.want.value.reveal(), tc.want.from, tc.want.dups, tc.want.chunks)
			}
		})
	}
}

func TestPickCookieNeverEchoesValues(t *testing.T) {
	const secret = "SECRETVALUE1234567890"
	for _, input := range []string{
		"Cookie: a=" + secret + "; b=" + secret,
		"Set-Cookie: sid=" + secret,
		"x=" + secret,
		secret + " " + secret,
	} {
		_, err := pickCookie(input, "session")
		if err == nil {
			t.Fatalf("pickCookie(%q) succeeded", input)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("pickCookie(%q) err = %v, which holds a cookie value", input, err)
		}
	}
}

// FuzzPickCookie checks that no input makes pickCookie panic, and that
// what it picks holds no white space, no ';' and no chunk count.
func FuzzPickCookie(f *testing.F) {
	for _, s := range []string{
		"AQAB", "Cookie: a=1; session=2~AQ; session.1=AB", "Cookie: session=2~AQ", "Set-Cookie: session=3~A\nSet-Cookie: session.2=B",
		"session\tAQAB\tx", "x\tFALSE\t/\tTRUE\t0\tsession\tAQAB", "session: AQAB", "curl -b 'session=AQAB'", "curl -H $'Cookie: session=A\\'B'",
		"Cookie: session.1=A; session.99=B; session=99~C", "session=1~A", "0=;session=2~;session.1=", "", ";;", "curl '",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, err := pickCookie(in, "session")
		if err != nil {
			return
		}
		v := p.value.reveal()
		if v == "" && p.from != "value" {
			t.Errorf("pickCookie(%q) picked an empty value from the %s", in, p.from)
		}
		if p.chunks != 0 && (p.chunks < 2 || p.chunks > 99) {
			t.Errorf("pickCookie(%q) joined %d chunks", in, p.chunks)
		}
	})
}
