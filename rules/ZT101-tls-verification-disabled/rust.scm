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
