"""ZT205 credentials-in-environment: container environments and Lua filters."""
