// latsum reads int64 values (one per line) on stdin and prints the JSON summary that the
// project's Go workloads write for a latency series (package lab), so the Python summary
// can be compared with Go's floating-point results bit for bit.
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"strconv"

	"goschedlab/gosrc/lab"
)

func main() {
	var vals []int64
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		v, err := strconv.ParseInt(sc.Text(), 10, 64)
		if err != nil {
			panic(err)
		}
		vals = append(vals, v)
	}
	if err := json.NewEncoder(os.Stdout).Encode(lab.Summary(vals)); err != nil {
		panic(err)
	}
}
