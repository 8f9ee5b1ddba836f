// Command gofakes3 is the loopback S3 server of the end-to-end tier's backup tests: an in-memory
// gofakes3 on 127.0.0.1, on the port given (0: a free one), which prints "listening on <host:port>"
// once it accepts connections, so the test reads the address from its output. Buckets are created when
// first written (barman-cloud expects the bucket to exist, as on a real store).
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func main() {
	port := flag.Int("port", 0, "port on 127.0.0.1 (0: any free port)")
	bucket := flag.String("bucket", "", "bucket to create at start")
	flag.Parse()

	backend := s3mem.New()
	if *bucket != "" {
		if err := backend.CreateBucket(*bucket); err != nil {
			log.Fatalf("create bucket %s: %v", *bucket, err)
		}
	}
	faker := gofakes3.New(backend, gofakes3.WithAutoBucket(true))
	// Loopback only: the test server must not be reachable from the network.
	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	fmt.Fprintf(os.Stdout, "listening on %s\n", listener.Addr().String())
	log.Fatal(http.Serve(listener, faker.Server()))
}
