; ssl.SSLContext(ssl.PROTOCOL_TLSv1) and friends: a context fixed to an old protocol
((attribute attribute: (identifier) @proto) @finding
 (#any-of? @proto "PROTOCOL_TLSv1" "PROTOCOL_TLSv1_1")
 (#set! message "ssl.{proto} fixes the connection to a deprecated TLS version")
 (#set! guard "weak-tls-version/selected"))

((attribute attribute: (identifier) @proto) @finding
 (#any-of? @proto "PROTOCOL_SSLv2" "PROTOCOL_SSLv3")
 (#set! message "ssl.{proto} uses SSL")
 (#set! severity "high")
 (#set! guard "weak-tls-version/selected"))

; context.minimum_version = ssl.TLSVersion.TLSv1 (or TLSv1_1, SSLv3, MINIMUM_SUPPORTED)
((assignment
   left: (attribute attribute: (identifier) @field)
   right: (attribute object: (attribute attribute: (identifier) @enum) attribute: (identifier) @version)) @finding
 (#eq? @field "minimum_version")
 (#eq? @enum "TLSVersion")
 (#any-of? @version "TLSv1" "TLSv1_1" "SSLv3" "MINIMUM_SUPPORTED")
 (#set! message "minimum_version = TLSVersion.{version} allows a deprecated TLS version"))
