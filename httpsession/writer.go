package httpsession

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
)

// errDiscarded is returned by the writes of a handler whose response was
// replaced by Options.ErrorHandler.
var errDiscarded = errors.New("httpsession: response discarded: the session could not be saved and the error handler responded instead")

// responseWriter saves the session into the headers before the first of
// WriteHeader, Write, Flush or ReadFrom reaches the server's writer.
type responseWriter struct {
	http.ResponseWriter
	s   *Session
	req *http.Request

	committed bool // the session was saved or could not be
	failed    bool // the error handler responded
}

// commit saves the session, once. It reports false if the session could
// not be saved, in which case the error handler has responded.
func (w *responseWriter) commit() bool {
	if w.committed {
		return !w.failed
	}
	w.committed = true
	if err := w.s.m.save(w.s, w.ResponseWriter.Header()); err != nil {
		w.failed = true
		w.s.m.onError(w.ResponseWriter, w.req, err)
		return false
	}
	return true
}

// finish runs after the handler returned: it saves the session of a
// handler that wrote nothing, and logs changes that came too late.
func (w *responseWriter) finish() {
	w.commit()
	w.s.mu.Lock()
	late := w.s.late
	w.s.mu.Unlock()
	if late {
		w.s.m.log.Error("httpsession: session changed after the response headers were sent; the change is lost",
			"method", w.req.Method, "path", w.req.URL.Path)
	}
}

// WriteHeader saves the session, then writes the status. Informational
// 1xx statuses other than 101 pass through without saving, as they do not
// end the headers.
func (w *responseWriter) WriteHeader(code int) {
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		if !w.failed {
			w.ResponseWriter.WriteHeader(code)
		}
		return
	}
	if w.commit() {
		w.ResponseWriter.WriteHeader(code)
	}
}

// Write saves the session, then writes p.
func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.commit() {
		return 0, errDiscarded
	}
	return w.ResponseWriter.Write(p)
}

// WriteString saves the session, then writes s.
func (w *responseWriter) WriteString(s string) (int, error) {
	if !w.commit() {
		return 0, errDiscarded
	}
	return io.WriteString(w.ResponseWriter, s)
}

// ReadFrom saves the session, then copies src with the server writer's
// own ReadFrom when it has one (sendfile for an *os.File).
func (w *responseWriter) ReadFrom(src io.Reader) (int64, error) {
	if !w.commit() {
		return 0, errDiscarded
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(w.ResponseWriter, src)
}

// Flush saves the session, then flushes, if the server's writer can.
func (w *responseWriter) Flush() {
	_ = w.FlushError()
}

// FlushError is Flush that reports an error, for
// [http.ResponseController].
func (w *responseWriter) FlushError() error {
	if !w.commit() {
		return errDiscarded
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands the connection over to the handler. The session can no
// longer be saved: a change not yet saved is logged as lost.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil || w.committed {
		return conn, brw, err
	}
	w.committed = true
	s := w.s
	s.mu.Lock()
	s.committed = true
	pending := s.modified
	s.mu.Unlock()
	if pending {
		s.m.log.Error("httpsession: connection hijacked with unsaved session changes; they are lost",
			"method", w.req.Method, "path", w.req.URL.Path)
	}
	return conn, brw, nil
}

// Unwrap returns the server's writer, for [http.ResponseController].
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
