//go:build unix

package redisstore

import "syscall"

// freeze stops the server's process without closing its connections, so
// that it accepts and reads but never answers, as a hung server does.
func (srv *redisServer) freeze() bool { return srv.cmd.Process.Signal(syscall.SIGSTOP) == nil }

// cont resumes a frozen server.
func (srv *redisServer) cont() { srv.cmd.Process.Signal(syscall.SIGCONT) }
