//go:build !unix

package redisstore

// freeze reports false: only Unix can stop a process without ending it.
func (srv *redisServer) freeze() bool { return false }

func (srv *redisServer) cont() {}
