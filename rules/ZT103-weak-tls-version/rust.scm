; openssl: builder.set_min_proto_version(Some(SslVersion::TLS1))
((call_expression
   function: (field_expression field: (field_identifier) @method)
   arguments: (arguments (call_expression arguments: (arguments (scoped_identifier path: (_) @type name: (identifier) @version))))) @finding
 (#eq? @method "set_min_proto_version")
 (#match? @type "SslVersion$")
 (#any-of? @version "TLS1" "TLS1_1" "SSL3")
 (#set! message "set_min_proto_version(SslVersion::{version}) allows a deprecated TLS version")
 (#set! span-from "method"))

; native-tls: builder.min_protocol_version(Some(Protocol::Tlsv10))
((call_expression
   function: (field_expression field: (field_identifier) @method)
   arguments: (arguments (call_expression arguments: (arguments (scoped_identifier path: (_) @type name: (identifier) @version))))) @finding
 (#eq? @method "min_protocol_version")
 (#match? @type "(^|::)Protocol$")
 (#any-of? @version "Sslv3" "Tlsv10" "Tlsv11")
 (#set! message "min_protocol_version(Protocol::{version}) allows a deprecated TLS version")
 (#set! span-from "method"))

; native-tls builders' own default: TlsConnectorBuilder { min_protocol: Some(Protocol::Tlsv10), .. }
((field_initializer
   field: (field_identifier) @field
   value: (call_expression arguments: (arguments (scoped_identifier path: (_) @type name: (identifier) @version)))) @finding
 (#eq? @field "min_protocol")
 (#match? @type "(^|::)Protocol$")
 (#any-of? @version "Sslv3" "Tlsv10" "Tlsv11")
 (#set! message "min_protocol: Protocol::{version} allows a deprecated TLS version")
 (#set! span-from "field"))
