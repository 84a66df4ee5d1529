; requests, httpx, boto3, hvac and similar clients: verify=False on a request or client,
; or any constant Python takes as false (0, "", a module constant holding False). None is
; not one: requests and httpx read it as "the default", which verifies.
((call
   function: [(attribute attribute: (identifier) @fn) (identifier) @fn]
   arguments: (argument_list (keyword_argument name: (identifier) @kw value: (_) @value) @finding))
 (#eq? @kw "verify")
 (#any-of? @fn "get" "post" "put" "patch" "delete" "head" "options" "request" "send" "stream"
   "Client" "AsyncClient" "HTTPTransport" "AsyncHTTPTransport" "client" "resource" "Session"
   "merge_environment_settings" "urlopen")
 (#set! message "{fn}(verify={value}) turns off TLS certificate verification")
 (#set! guard "tls-verification-disabled/falsy-verify")
 (#set! fix-capture "value")
 (#set! fix-text "True")
 (#set! fix-description "Verify certificates; pass verify=\"/path/to/ca.pem\" for a private CA"))

; the same clients given their options as a dictionary: requests.get(url, **opts) where
; opts = {"verify": False} or dict(verify=False)
((call
   function: [(attribute attribute: (identifier) @fn) (identifier) @fn]
   arguments: (argument_list (dictionary_splat (_) @options)) @finding)
 (#any-of? @fn "get" "post" "put" "patch" "delete" "head" "options" "request" "send" "stream"
   "Client" "AsyncClient" "HTTPTransport" "AsyncHTTPTransport" "client" "resource" "Session"
   "urlopen")
 (#set! message "{fn}(**{options}) passes a false verify: TLS certificate verification is off")
 (#set! guard "tls-verification-disabled/verify-in-options"))

; keywords that only ever mean certificate checks: verify_certs=False (Elasticsearch,
; OpenSearch), ssl_verify=False, verify_ssl=False (aiohttp before 3.0)
((call
   arguments: (argument_list (keyword_argument name: (identifier) @kw value: (false)) @finding))
 (#any-of? @kw "verify_certs" "ssl_verify" "verify_ssl" "validate_certs")
 (#set! message "{kw}=False turns off TLS certificate verification")
 (#set! guard "tls-verification-disabled/gated-branch"))

; aiohttp: session.get(url, ssl=False), TCPConnector(ssl=False)
((call
   arguments: (argument_list (keyword_argument name: (identifier) @kw value: (false)) @finding))
 (#eq? @kw "ssl")
 (#set! message "aiohttp ssl=False turns off TLS certificate verification")
 (#set! guard "tls-verification-disabled/imports-aiohttp"))

; session.verify = False (requests.Session)
((assignment
   left: (attribute attribute: (identifier) @attr)
   right: (false)) @finding
 (#eq? @attr "verify")
 (#set! message "{finding} turns off TLS certificate verification for the whole session")
 (#set! guard "tls-verification-disabled/imports-http-client"))

; configuration.verify_ssl = False: the Configuration of OpenAPI-generated Python clients
; (the Kubernetes client among them), and the same settings on other clients' objects
((assignment
   left: (attribute attribute: (identifier) @attr)
   right: (false)) @finding
 (#any-of? @attr "verify_ssl" "verify_certs" "ssl_verify" "validate_certs")
 (#set! message "{finding} turns off TLS certificate verification for every request of this client")
 (#set! guard "tls-verification-disabled/gated-branch"))

; ssl._create_unverified_context (and its alias _create_stdlib_context), called or
; installed as the default
((attribute
   object: (identifier) @module
   attribute: (identifier) @attr) @finding
 (#eq? @module "ssl")
 (#any-of? @attr "_create_unverified_context" "_create_stdlib_context")
 (#set! message "ssl.{attr}() makes a context that accepts any certificate")
 (#set! guard "tls-verification-disabled/gated-branch"))

; context.check_hostname = False
((assignment
   left: (attribute attribute: (identifier) @attr)
   right: (false)) @finding
 (#eq? @attr "check_hostname")
 (#set! message "check_hostname = False accepts a valid certificate for any host name")
 (#set! guard "tls-verification-disabled/inspection-only"))

; context.verify_mode = ssl.CERT_NONE
((assignment
   left: (attribute attribute: (identifier) @attr)
   right: [(attribute attribute: (identifier) @mode) (identifier) @mode]) @finding
 (#eq? @attr "verify_mode")
 (#eq? @mode "CERT_NONE")
 (#set! message "verify_mode = CERT_NONE turns off TLS certificate verification")
 (#set! guard "tls-verification-disabled/inspection-only"))

; cert_reqs=ssl.CERT_NONE / "NONE" (ssl, urllib3 pools and managers)
((keyword_argument
   name: (identifier) @kw
   value: [(attribute attribute: (identifier) @mode) (identifier) @mode]) @finding
 (#eq? @kw "cert_reqs")
 (#eq? @mode "CERT_NONE")
 (#set! message "cert_reqs=CERT_NONE turns off TLS certificate verification")
 (#set! guard "tls-verification-disabled/gated-branch"))

((keyword_argument
   name: (identifier) @kw
   value: (string (string_content) @mode)) @finding
 (#eq? @kw "cert_reqs")
 (#any-of? @mode "NONE" "CERT_NONE")
 (#set! message "cert_reqs=\"{mode}\" turns off TLS certificate verification")
 (#set! guard "tls-verification-disabled/gated-branch"))

; urllib3 checks the host name only with CERT_REQUIRED: CERT_OPTIONAL accepts a valid
; certificate for any host.
((keyword_argument
   name: (identifier) @kw
   value: [(attribute attribute: (identifier) @mode) (identifier) @mode (string (string_content) @mode)]) @finding
 (#eq? @kw "cert_reqs")
 (#any-of? @mode "CERT_OPTIONAL" "OPTIONAL")
 (#set! message "cert_reqs=CERT_OPTIONAL: urllib3 then skips the host name check")
 (#set! severity "high"))

; os.environ["PYTHONHTTPSVERIFY"] = "0"
((assignment
   left: (subscript subscript: (string (string_content) @name))
   right: [(string (string_content) @value) (integer) @value]) @finding
 (#any-of? @name "PYTHONHTTPSVERIFY" "NODE_TLS_REJECT_UNAUTHORIZED")
 (#eq? @value "0")
 (#set! message "{name}=0 turns off TLS certificate verification for the process"))

; urllib3.disable_warnings(InsecureRequestWarning): something here skips verification
((call
   function: (attribute attribute: (identifier) @fn)
   arguments: (argument_list . [(identifier) (attribute)] @arg)) @finding
 (#eq? @fn "disable_warnings")
 (#match? @arg "InsecureRequestWarning$")
 (#set! message "InsecureRequestWarning is silenced: unverified TLS requests here go unnoticed")
 (#set! severity "low")
 (#set! confidence "low"))
