module jaas.local/jujuc-shim

go 1.21
