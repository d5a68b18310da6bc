package testenv

import (
	"fmt"
	"testing"
	"time"
)

// NodeServer is a running npm server (kinesalite or dynalite). Like goaws it
// accepts any signature; put an AWSFront before it to check ferry's.
type NodeServer struct {
	// Endpoint is the server's base URL, http://127.0.0.1:PORT.
	Endpoint string
	// Region is the region clients should sign for; the server does not care.
	Region string
}

// Kinesalite starts kinesalite (Kinesis) in memory and stops it when the test
// ends. A new stream is CREATING for a few milliseconds, not half a second:
// wait for ACTIVE (kinesis.NewStreamExistsWaiter) as against AWS.
func Kinesalite(t testing.TB) *NodeServer {
	t.Helper()
	return startNodeServer(t, "kinesalite", "{createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50}")
}

// Dynalite starts dynalite (DynamoDB) in memory and stops it when the test
// ends. A new table is CREATING for a few milliseconds: wait for ACTIVE
// (dynamodb.NewTableExistsWaiter) as against AWS.
func Dynalite(t testing.TB) *NodeServer {
	t.Helper()
	return startNodeServer(t, "dynalite", "{createTableMs: 0, deleteTableMs: 0, updateTableMs: 0}")
}

// startNodeServer runs `require(pkg)(options).listen(port, '127.0.0.1')` in node
// from the npm root, so require finds the pinned package.
func startNodeServer(t testing.TB, pkg, options string) *NodeServer {
	t.Helper()
	root := requireNodePackage(t, pkg)
	port := FreePort(t)
	script := fmt.Sprintf(`require(%q)(%s).listen(%d, '127.0.0.1', function (err) {
  if (err) { console.error(err); process.exit(1) }
  console.log('listening on 127.0.0.1:%d')
})`, pkg, options, port, port)
	p := startProcess(t, pkg, root, nil, "node", "-e", script)
	s := &NodeServer{Endpoint: loopbackURL(port), Region: "us-east-1"}
	p.waitReady(t, 60*time.Second, httpAnswers(s.Endpoint+"/"))
	return s
}
