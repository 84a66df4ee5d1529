; tls.Config{MinVersion: tls.VersionTLS10} (or a MaxVersion that caps at a weak one)
((keyed_element
   key: (literal_element (identifier) @field)
   value: (literal_element (selector_expression field: (field_identifier) @version))) @finding
 (#any-of? @field "MinVersion" "MaxVersion")
 (#any-of? @version "VersionTLS10" "VersionTLS11")
 (#set! message "tls.Config {field}: tls.{version} allows a deprecated TLS version")
 (#set! guard "weak-tls-version/inspection-only"))

((keyed_element
   key: (literal_element (identifier) @field)
   value: (literal_element (selector_expression field: (field_identifier) @version))) @finding
 (#any-of? @field "MinVersion" "MaxVersion")
 (#eq? @version "VersionSSL30")
 (#set! message "tls.Config {field}: tls.VersionSSL30 allows SSL 3.0")
 (#set! severity "high")
 (#set! guard "weak-tls-version/inspection-only"))

; cfg.MinVersion = tls.VersionTLS10
((assignment_statement
   left: (expression_list (selector_expression field: (field_identifier) @field))
   right: (expression_list (selector_expression field: (field_identifier) @version))) @finding
 (#any-of? @field "MinVersion" "MaxVersion")
 (#any-of? @version "VersionTLS10" "VersionTLS11" "VersionSSL30")
 (#set! message "{field} = tls.{version} allows a deprecated TLS version")
 (#set! guard "weak-tls-version/setting-table"))
