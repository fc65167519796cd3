module jaas.local/sim-exec

go 1.21
