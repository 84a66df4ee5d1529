; grpc.Dial(addr, grpc.WithInsecure())
((call_expression
   function: (selector_expression operand: (identifier) @pkg field: (field_identifier) @fn)) @finding
 (#eq? @pkg "grpc")
 (#eq? @fn "WithInsecure")
 (#set! message "grpc.WithInsecure() dials without TLS")
 (#set! guard "plaintext-transport/grpc-target"))

; grpc.WithTransportCredentials(insecure.NewCredentials())
((call_expression
   function: (selector_expression operand: (identifier) @pkg field: (field_identifier) @fn)) @finding
 (#eq? @pkg "insecure")
 (#eq? @fn "NewCredentials")
 (#set! message "insecure.NewCredentials() sends gRPC without TLS")
 (#set! guard "plaintext-transport/grpc-target"))
