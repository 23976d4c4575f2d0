//go:build !unix

package redistest

// Freeze reports false: only Unix can stop a process without ending it.
func (srv *Server) Freeze() bool { return false }

// Cont does nothing.
func (srv *Server) Cont() {}
