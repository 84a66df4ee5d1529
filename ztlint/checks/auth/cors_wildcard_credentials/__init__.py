"""ZT511 cors-wildcard-credentials: code, and Envoy's CORS policy."""
