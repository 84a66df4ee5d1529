; { rejectUnauthorized: false } in https/tls options, agents, database ssl options
((pair
   key: [(property_identifier) @key (string (string_fragment) @key)]
   value: (false) @value) @finding
 (#eq? @key "rejectUnauthorized")
 (#set! message "rejectUnauthorized: false makes Node accept any certificate")
 (#set! guard "tls-verification-disabled/gated-branch")
 (#set! fix-capture "value")
 (#set! fix-text "true")
 (#set! fix-description "Keep rejectUnauthorized on; pass the private CA in `ca`"))

; options.rejectUnauthorized = false
((assignment_expression
   left: (member_expression property: (property_identifier) @key)
   right: (false)) @finding
 (#eq? @key "rejectUnauthorized")
 (#set! message "rejectUnauthorized = false makes Node accept any certificate")
 (#set! guard "tls-verification-disabled/gated-branch"))

; checkServerIdentity: () => undefined, or an empty function: no host name check
((pair
   key: [(property_identifier) @key (string (string_fragment) @key)]
   value: [(arrow_function body: (_) @body) (function_expression body: (_) @body)]) @finding
 (#eq? @key "checkServerIdentity")
 (#match? @body "^(undefined|null|\\{\\s*\\}|\\{\\s*return\\s*(undefined|null)?;?\\s*\\})$")
 (#set! message "checkServerIdentity that returns nothing accepts a certificate for any host"))

; process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0' (or 0), by member or by subscript
((assignment_expression
   left: (member_expression object: (member_expression property: (property_identifier) @env) property: (property_identifier) @name)
   right: [(string (string_fragment) @value) (number) @value]) @finding
 (#eq? @env "env")
 (#eq? @name "NODE_TLS_REJECT_UNAUTHORIZED")
 (#eq? @value "0")
 (#set! message "NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate verification for the whole process"))

((assignment_expression
   left: (subscript_expression object: (member_expression property: (property_identifier) @env) index: (string (string_fragment) @name))
   right: [(string (string_fragment) @value) (number) @value]) @finding
 (#eq? @env "env")
 (#eq? @name "NODE_TLS_REJECT_UNAUTHORIZED")
 (#eq? @value "0")
 (#set! message "NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate verification for the whole process"))

; { rejectUnauthorized: !opts.insecure } or a setting's value: a gated mode
((pair
   key: [(property_identifier) @key (string (string_fragment) @key)]
   value: [(member_expression) (identifier) (unary_expression) (call_expression)] @value) @finding
 (#eq? @key "rejectUnauthorized")
 (#not-any-of? @value "undefined" "true")
 (#set! message "rejectUnauthorized comes from {value}")
 (#set! severity "medium")
 (#set! guard "tls-verification-disabled/setting-value"))
