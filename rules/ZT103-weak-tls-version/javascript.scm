; tls options: minVersion: "TLSv1" / "TLSv1.1", or a maxVersion that caps there
((pair
   key: [(property_identifier) @key (string (string_fragment) @key)]
   value: (string (string_fragment) @version)) @finding
 (#any-of? @key "minVersion" "maxVersion")
 (#any-of? @version "TLSv1" "TLSv1.1")
 (#set! message "{key}: \"{version}\" allows a deprecated TLS version"))

; secureProtocol: "TLSv1_method" fixes an old protocol
((pair
   key: [(property_identifier) @key (string (string_fragment) @key)]
   value: (string (string_fragment) @method)) @finding
 (#eq? @key "secureProtocol")
 (#match? @method "^(TLSv1|TLSv1_1|SSLv3|SSLv2)(_client|_server)?_method$")
 (#set! message "secureProtocol: \"{method}\" uses a deprecated TLS or SSL version"))
