module goschedlab.test/tracegen

go 1.22
