"""ZT512 forwarded-header-trust: code, and Envoy's connection manager."""
