package relay

import "crypto/tls"

func dial() *tls.Config {
	return &tls.Config{InsecureSkipVerify: true}
}

func probe() *tls.Config {
	return &tls.Config{InsecureSkipVerify: true} // ztlint: ignore[ZT101] loopback health probe only
}
