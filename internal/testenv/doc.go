// Package testenv starts the real AWS-compatible servers that ferry's
// integration tests talk to, and the SigV4-verifying front that sits before them.
//
// Each starter (MinIO, Goaws, Kinesalite, Dynalite, Lambda) finds its server
// under the tools directory that scripts/install-deps.sh fills ($FERRY_TOOLS_DIR,
// else <repo>/.tools, else PATH), binds it to a free 127.0.0.1 port, waits until it
// answers and stops the whole process group when the test ends. A missing server
// skips the test with a hint to run `make deps`, except under CI=true, where a
// missing server is a failure: a green CI must mean the servers really ran.
//
// Only MinIO checks signatures, so a signing bug in ferry would pass against the
// others. AWSFront closes that hole: a reverse proxy that re-signs every request
// with the AWS SDK for Go v2's own signer and refuses, with AWS's error shapes,
// anything that does not match.
//
// This package is for tests only. It must not be imported by ferry's binary, and
// it never sends traffic anywhere but 127.0.0.1.
package testenv
