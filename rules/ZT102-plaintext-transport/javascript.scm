; grpc-js: new FooClient(target, grpc.credentials.createInsecure())
((call_expression
   function: (member_expression
     object: (member_expression property: (property_identifier) @ns)
     property: (property_identifier) @fn)) @finding
 (#eq? @ns "credentials")
 (#eq? @fn "createInsecure")
 (#set! message "credentials.createInsecure() carries gRPC without TLS")
 (#set! guard "plaintext-transport/grpc-target"))
