; grpc.insecure_channel("host:port"), server.add_insecure_port("[::]:50051")
((call
   function: (attribute attribute: (identifier) @fn)) @finding
 (#any-of? @fn "insecure_channel" "add_insecure_port")
 (#set! message "gRPC {fn}() carries RPCs without TLS")
 (#set! guard "plaintext-transport/grpc-target"))
