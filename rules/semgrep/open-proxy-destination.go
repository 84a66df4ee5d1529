package gateway

import (
	"bufio"
	"io"
	"net"
	"strings"
)

func handle(conn net.Conn) {
	reader := bufio.NewReader(conn)
	line, _ := reader.ReadString('\n')
	target := strings.TrimSpace(line)
	// ruleid: ztlint.peer-chosen-destination-dialed
	upstream, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	go io.Copy(upstream, conn)
	io.Copy(conn, upstream)
}

func handleChecked(conn net.Conn, policy Policy) {
	reader := bufio.NewReader(conn)
	line, _ := reader.ReadString('\n')
	target := strings.TrimSpace(line)
	if policy.Allowed(target) {
		// ok: ztlint.peer-chosen-destination-dialed
		upstream, _ := net.Dial("tcp", target)
		go io.Copy(upstream, conn)
	}
}

func handleFixed(conn net.Conn, upstreamAddr string) {
	// ok: ztlint.peer-chosen-destination-dialed
	upstream, _ := net.Dial("tcp", upstreamAddr)
	go io.Copy(upstream, conn)
}
