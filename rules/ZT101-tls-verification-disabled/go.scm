; tls.Config{InsecureSkipVerify: true} (also nested in http.Transport, gRPC, quic-go)
((keyed_element
   key: (literal_element (identifier) @field)
   value: (literal_element (true))) @finding
 (#eq? @field "InsecureSkipVerify")
 (#set! message "tls.Config sets InsecureSkipVerify: true, so any server certificate is accepted")
 (#set! guard "tls-verification-disabled/verified-elsewhere"))

; InsecureSkipVerify taken from a flag or a setting: off unless someone turns it on;
; from a constant: what the constant says
((keyed_element
   key: (literal_element (identifier) @field)
   value: (literal_element [(identifier) (selector_expression) (unary_expression) (call_expression) (index_expression)] @value)) @finding
 (#eq? @field "InsecureSkipVerify")
 (#not-eq? @value "false")
 (#not-match? @value "Value:\\s*(true|false)")
 (#set! message "TLS verification can be turned off by `{value}`")
 ; the guard makes a setting a gated mode (medium) and a constant true a finding
 (#set! guard "tls-verification-disabled/verified-elsewhere"))

; cfg.InsecureSkipVerify = true, on any tls.Config value
((assignment_statement
   left: (expression_list . (selector_expression operand: (_) @operand field: (field_identifier) @field) .)
   right: (expression_list . (true) .)) @finding
 (#eq? @field "InsecureSkipVerify")
 (#set! message "InsecureSkipVerify is set to true on {operand}, so any server certificate is accepted")
 (#set! guard "tls-verification-disabled/verified-elsewhere"))

; API types that wrap the flag (Istio's ClientTLSSettings: &wrapperspb.BoolValue{Value: true})
((keyed_element
   key: (literal_element (identifier) @field)
   value: (literal_element (unary_expression) @value)) @finding
 (#eq? @field "InsecureSkipVerify")
 (#match? @value "Value:\\s*true")
 (#set! message "InsecureSkipVerify is set to a wrapped true, so any server certificate is accepted")
 (#set! guard "tls-verification-disabled/verified-elsewhere"))
