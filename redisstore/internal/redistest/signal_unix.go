//go:build unix

package redistest

import "syscall"

// Freeze stops the server's process without closing its connections, so
// that it accepts and reads but never answers, as a hung server does.
func (srv *Server) Freeze() bool { return srv.cmd.Process.Signal(syscall.SIGSTOP) == nil }

// Cont resumes a frozen server.
func (srv *Server) Cont() { srv.cmd.Process.Signal(syscall.SIGCONT) }
