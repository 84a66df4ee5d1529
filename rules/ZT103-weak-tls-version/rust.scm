; openssl: builder.set_min_proto_version(Some(SslVersion::TLS1))
((call_expression
   function: (field_expression field: (field_identifier) @method)
   arguments: (arguments (call_expression arguments: (arguments (scoped_identifier path: (_) @type name: (identifier) @version))))) @finding
 (#eq? @method "set_min_proto_version")
 (#match? @type "SslVersion$")
 (#any-of? @version "TLS1" "TLS1_1" "SSL3")
 (#set! message "set_min_proto_version(SslVersion::{version}) allows a deprecated TLS version")
 (#set! span-from "method"))
