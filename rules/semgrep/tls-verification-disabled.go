package relay

import (
	"crypto/tls"
	"net/http"
	"strconv"
)

func fetch(w http.ResponseWriter, r *http.Request) {
	insecure, _ := strconv.ParseBool(r.URL.Query().Get("insecure"))
	// ruleid: ztlint.request-controls-tls-verification
	cfg := &tls.Config{InsecureSkipVerify: insecure}
	_ = cfg
}

func fetchHeader(w http.ResponseWriter, r *http.Request) {
	cfg := &tls.Config{}
	skip := r.Header.Get("X-Skip-Verify") == "1"
	// ruleid: ztlint.request-controls-tls-verification
	cfg.InsecureSkipVerify = skip
}

func fetchConfigured(w http.ResponseWriter, r *http.Request, settings Settings) {
	// ok: ztlint.request-controls-tls-verification
	cfg := &tls.Config{InsecureSkipVerify: settings.DevMode}
	_ = cfg
}
