package listener

import (
	"crypto/tls"
	"encoding/hex"
	"encoding/pem"
	"strings"

	"github.com/ferrygw/ferry/internal/reqctx"
)

// opensslTime is how API Gateway writes a client certificate's validity
// ("May 28 12:30:02 2019 GMT"), OpenSSL's notation.
const opensslTime = "Jan _2 15:04:05 2006 GMT"

// ClientCert describes the verified client certificate of a connection for
// $context.identity.clientCert; nil without mutual TLS.
func ClientCert(cs *tls.ConnectionState) *reqctx.ClientCert {
	if cs == nil || len(cs.PeerCertificates) == 0 || len(cs.VerifiedChains) == 0 {
		return nil
	}
	c := cs.PeerCertificates[0]
	return &reqctx.ClientCert{
		ClientCertPem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})),
		SubjectDN:     c.Subject.String(),
		IssuerDN:      c.Issuer.String(),
		SerialNumber:  colonHex(c.SerialNumber.Bytes()),
		Validity: reqctx.Validity{
			NotBefore: c.NotBefore.UTC().Format(opensslTime),
			NotAfter:  c.NotAfter.UTC().Format(opensslTime),
		},
	}
}

// colonHex writes a serial number as API Gateway does: hex byte pairs
// separated by colons.
func colonHex(b []byte) string {
	if len(b) == 0 {
		return "00"
	}
	s := hex.EncodeToString(b)
	var sb strings.Builder
	for i := 0; i < len(s); i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(s[i : i+2])
	}
	return sb.String()
}
