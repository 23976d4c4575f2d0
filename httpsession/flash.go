package httpsession

import (
	"slices"
	"strings"

	"github.com/cookiecodec/cookiecodec/flask"
)

// flashesKey is the session key under which Flask keeps flashed messages.
const flashesKey = "_flashes"

// DefaultFlashCategory is the category of a message flashed without one,
// Flask's default.
const DefaultFlashCategory = "message"

// A Flash is a message flashed to the next page the user sees, with its
// category ("message", or one of the application's such as "error").
type Flash struct {
	Category string
	Message  string
}

// Flash adds message, in [DefaultFlashCategory], to the messages that the
// next call to [Session.Flashes] returns, usually on the next page: Flask's
// flash(message).
func (s *Session) Flash(message string) { s.FlashCategory(DefaultFlashCategory, message) }

// FlashCategory adds a message in category to the messages that the next
// call to [Session.Flashes] returns: Flask's flash(message, category).
//
// The messages are kept in the session under "_flashes" in Flask's
// layout, a list of (category, message) pairs: with the Flask codec as
// tuples, so that a Flask application sharing the cookie shows them with
// get_flashed_messages(), and with any other codec as two-element lists.
// Invalid UTF-8 in either string is replaced by U+FFFD, since neither
// codec can store it.
func (s *Session) FlashCategory(category, message string) {
	if !s.lockWrite() {
		logDetached("Flash")
		return
	}
	defer s.mu.Unlock()
	category, message = strings.ToValidUTF8(category, "\uFFFD"), strings.ToValidUTF8(message, "\uFFFD")
	var pair any = []any{category, message}
	if _, ok := s.m.codec.(*flask.Codec); ok {
		pair = flask.Tuple{category, message}
	}
	list, _ := s.data[flashesKey].([]any)
	s.data[flashesKey] = append(slices.Clip(list), pair)
	s.changed()
}

// Flashes returns the messages flashed so far, oldest first, and removes
// them from the session, so that they are shown once. As in Flask, later
// calls during the same request return the same messages, and messages
// flashed after the first call wait for the next request. It reads the
// messages Flask's flash() stores as well as those of
// [Session.FlashCategory]; an entry of another shape is dropped. A
// message Flask flashed as Markup comes back as its text, which
// html/template escapes.
func (s *Session) Flashes() []Flash {
	if !s.lockWrite() {
		return nil
	}
	defer s.mu.Unlock()
	if !s.flashesRead {
		s.flashesRead = true
		if v, ok := s.data[flashesKey]; ok {
			delete(s.data, flashesKey)
			s.changed()
			s.flashes = parseFlashes(v)
		}
	}
	return slices.Clone(s.flashes)
}

// parseFlashes reads the list of (category, message) pairs stored under
// "_flashes", as tuples (Flask), lists (this package with other codecs,
// and JSON), or Markup strings.
func parseFlashes(v any) []Flash {
	list, _ := v.([]any)
	var out []Flash
	for _, e := range list {
		var pair []any
		switch e := e.(type) {
		case []any:
			pair = e
		case flask.Tuple:
			pair = e
		}
		if len(pair) != 2 {
			continue
		}
		category, ok1 := flashText(pair[0])
		message, ok2 := flashText(pair[1])
		if ok1 && ok2 {
			out = append(out, Flash{category, message})
		}
	}
	return out
}

// flashText returns v as a string if it is one, or Flask's Markup.
func flashText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case flask.Markup:
		return string(v), true
	}
	return "", false
}
