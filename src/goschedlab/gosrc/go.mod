module goschedlab/gosrc

go 1.22
