; quiche: config.verify_peer(false), on any receiver expression
((call_expression
   function: (field_expression field: (field_identifier) @method)
   arguments: (arguments . (boolean_literal) @arg .)) @finding
 (#eq? @method "verify_peer")
 (#eq? @arg "false")
 (#set! message "verify_peer(false) turns off TLS certificate verification of the peer")
 (#set! span-from "method")
 (#set! fix-capture "arg")
 (#set! fix-text "true")
 (#set! fix-description "Verify the peer; also load the CA with load_verify_locations_from_file"))

; quiche: Config::verify_peer(&mut config, false)
((call_expression
   function: (scoped_identifier name: (identifier) @method)
   arguments: (arguments (_) . (boolean_literal) @arg .)) @finding
 (#eq? @method "verify_peer")
 (#eq? @arg "false")
 (#set! message "verify_peer(false) turns off TLS certificate verification of the peer")
 (#set! fix-capture "arg")
 (#set! fix-text "true")
 (#set! fix-description "Verify the peer; also load the CA with load_verify_locations_from_file"))

; reqwest and native-tls builders: .danger_accept_invalid_certs(true) / _hostnames(true)
((call_expression
   function: (field_expression field: (field_identifier) @method)
   arguments: (arguments . (boolean_literal) @arg .)) @finding
 (#any-of? @method "danger_accept_invalid_certs" "danger_accept_invalid_hostnames")
 (#eq? @arg "true")
 (#set! message "{method}(true) makes the client accept any certificate")
 (#set! guard "tls-verification-disabled/gated-branch")
 (#set! span-from "method")
 (#set! fix-capture "arg")
 (#set! fix-text "false")
 (#set! fix-description "Keep certificate checks on; add the private CA with add_root_certificate"))

; openssl: builder.set_verify(SslVerifyMode::NONE), set_verify_callback(NONE, ..)
((call_expression
   function: (field_expression field: (field_identifier) @method)
   arguments: (arguments . (scoped_identifier path: (_) @type name: (identifier) @mode))) @finding
 (#any-of? @method "set_verify" "set_verify_callback")
 (#match? @type "SslVerifyMode$")
 (#eq? @mode "NONE")
 (#set! message "openssl {method}(SslVerifyMode::NONE) turns off peer certificate verification")
 (#set! guard "tls-verification-disabled/gated-branch")
 (#set! span-from "method")
 (#set! fix-capture "mode")
 (#set! fix-text "PEER")
 (#set! fix-description "Verify the peer with SslVerifyMode::PEER"))

; openssl (before 0.10): set_verify(SSL_VERIFY_NONE)
((call_expression
   function: (field_expression field: (field_identifier) @method)
   arguments: (arguments . (identifier) @mode)) @finding
 (#any-of? @method "set_verify" "set_verify_callback")
 (#eq? @mode "SSL_VERIFY_NONE")
 (#set! message "openssl {method}(SSL_VERIFY_NONE) turns off peer certificate verification")
 (#set! guard "tls-verification-disabled/gated-branch")
 (#set! span-from "method"))

; .danger_accept_invalid_certs(cfg.insecure): off unless a setting turns it on
((call_expression
   function: (field_expression field: (field_identifier) @method)
   arguments: (arguments . [(identifier) (field_expression) (unary_expression) (call_expression)] @value .)) @finding
 (#any-of? @method "danger_accept_invalid_certs" "danger_accept_invalid_hostnames")
 (#set! message "{method}({value}) lets a setting turn certificate checks off")
 (#set! severity "medium")
 (#set! span-from "method")
 (#set! guard "tls-verification-disabled/setting-value"))
