; OpenResty (resty.http, resty.redis and other cosocket clients): { ssl_verify = false }
((field
   name: (identifier) @key
   value: (false)) @finding
 (#any-of? @key "ssl_verify" "tls_verify" "verify_ssl" "ssl_verify_peer")
 (#set! message "{key} = false turns off TLS certificate verification")
 (#set! guard "tls-verification-disabled/gated-branch"))

; { ssl_verify = conf.ssl_verify or false }: off unless the deployer turns it on
((field
   name: (identifier) @key
   value: (binary_expression (_) @value "or" (false))) @finding
 (#any-of? @key "ssl_verify" "tls_verify" "verify_ssl" "ssl_verify_peer")
 (#set! message "{key} defaults to false: TLS certificate verification is off unless configured")
 (#set! guard "tls-verification-disabled/setting-value"))

; ngx.socket.tcp(): sock:sslhandshake(reused_session, server_name, false)
((function_call
   name: (method_index_expression method: (identifier) @method)
   arguments: (arguments . (_) . (_) . (false) @value)) @finding
 (#eq? @method "sslhandshake")
 (#set! message "sslhandshake(..., false) turns off TLS certificate verification")
 (#set! span-from "method")
 (#set! guard "tls-verification-disabled/gated-branch"))

; opts.ssl_verify = false
((assignment_statement
   (variable_list name: (dot_index_expression field: (identifier) @key))
   (expression_list value: (false))) @finding
 (#any-of? @key "ssl_verify" "tls_verify" "verify_ssl" "ssl_verify_peer")
 (#set! message "{key} = false turns off TLS certificate verification")
 (#set! guard "tls-verification-disabled/gated-branch"))
