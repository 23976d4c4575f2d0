module github.com/cookiecodec/cookiecodec/interop

go 1.26.0

require github.com/cookiecodec/cookiecodec v0.0.0

replace github.com/cookiecodec/cookiecodec => ../
