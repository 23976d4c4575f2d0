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
		{"bare", "AQAB_-x", "session", picked{value: "AQAB_-x", from: "value"}, ""},
		{"bare with white space", " \tAQAB\r\n", "session", picked{value: "AQAB", from: "value"}, ""},
		{"bare quoted", `"AQAB"`, "session", picked{value: "AQAB", from: "value"}, ""},
		{"Flask value", "eyJhIjoxfQ.Z0f2bA.sig", "session", picked{value: "eyJhIjoxfQ.Z0f2bA.sig", from: "value"}, ""},
		{"Cookie header", "Cookie: a=1; session=AQAB; b=2", "session", picked{value: "AQAB", from: "Cookie header"}, ""},
		{"Cookie header any case", "COOKIE:session=AQAB", "session", picked{value: "AQAB", from: "Cookie header"}, ""},
		{"Cookie header quoted value", `Cookie: session="AQAB"`, "session", picked{value: "AQAB", from: "Cookie header"}, ""},
		{"Cookie header duplicates", "Cookie: session=AQAB; session=CCCC; session=DDDD", "session", picked{value: "AQAB", from: "Cookie header", dups: 2}, ""},
		{"Cookie header other name", "Cookie: session=AQAB; sid=CCCC", "sid", picked{value: "CCCC", from: "Cookie header"}, ""},
		{"names are case-sensitive", "Cookie: Session=AQAB", "session", picked{}, `no cookie named "session" in the Cookie header (it has "Session")`},
		{"cookie list", "a=1;session=AQAB", "session", picked{value: "AQAB", from: "cookie list"}, ""},
		{"single pair", "session=AQAB", "session", picked{value: "AQAB", from: "cookie list"}, ""},
		{"value with '=' inside", "session=a=b", "session", picked{value: "a=b", from: "cookie list"}, ""},
		{"Set-Cookie", "Set-Cookie: session=AQAB; Path=/; HttpOnly", "session", picked{value: "AQAB", from: "Set-Cookie header"}, ""},
		{"Set-Cookie any case", "set-cookie:session=AQAB", "session", picked{value: "AQAB", from: "Set-Cookie header"}, ""},
		{"Set-Cookie other name", "Set-Cookie: sid=AQAB; Path=/", "session", picked{}, `the Set-Cookie header sets cookie "sid", not "session"`},
		{"Set-Cookie without pair", "Set-Cookie: Path=/", "session", picked{}, `sets cookie "Path"`},
		{"Set-Cookie empty", "Set-Cookie:", "session", picked{}, "no name=value pair"},
		{"empty", "", "session", picked{}, "no cookie value in the input"},
		{"only white space", " \r\n ", "session", picked{}, "no cookie value in the input"},
		{"white space inside", "AQ AB", "session", picked{}, "white space inside the value"},
		{"not found", "a=1; b=2", "session", picked{}, `no cookie named "session" in the cookie list (it has "a", "b")`},
		{"not found among many", "a=1;b=2;c=3;d=4;e=5;f=6;g=7", "session", picked{}, `(it has "a", "b", "c", "d", "e" and 2 more)`},
		{"long names shortened", "Cookie: " + strings.Repeat("n", 100) + "=1", "session", picked{}, strings.Repeat("n", 40) + `..."`},
		{"no pairs", ";;;", "session", picked{}, `no cookie named "session" in the cookie list`},
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
			if err != nil || got != tc.want {
				t.Errorf("pickCookie(%q) = %+v, %v, want %+v", tc.input, got, err, tc.want)
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
