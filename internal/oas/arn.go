package oas

import (
	"fmt"
	"regexp"
	"strings"
)

// Exports and blog posts ship ARNs with placeholders where the region and
// account go ("arn:aws:apigateway:region:sns:action/Publish",
// "arn:aws:iam::account-id:role/r"). API Gateway itself would reject them
// only when called; ferry reports them at import, or fills them in when the
// user says which region and account are meant.

var (
	regionForm  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	accountForm = regexp.MustCompile(`^[0-9]{12}$`)
)

// isRegion reports whether s has the form of an AWS region name.
func isRegion(s string) bool { return regionForm.MatchString(s) }

// isAccountID reports whether s is a 12-digit AWS account id.
func isAccountID(s string) bool { return accountForm.MatchString(s) }

// fillARNs checks every ARN inside s, including one nested in an API
// Gateway service URI, and returns s with placeholders filled from region
// and account. Each placeholder that cannot be filled yields a message.
func fillARNs(s, region, account string) (string, []string) {
	var b strings.Builder
	var problems []string
	for {
		i := arnStart(s)
		if i < 0 {
			b.WriteString(s)
			return b.String(), problems
		}
		b.WriteString(s[:i])
		s = s[i:]
		// arn:PARTITION:SERVICE:REGION:ACCOUNT:rest
		f := strings.SplitN(s, ":", 6)
		if len(f) < 6 || !strings.HasPrefix(f[1], "aws") {
			b.WriteString("arn:")
			s = s[4:]
			continue
		}
		reg, acct := f[3], f[4]
		if reg != "" && !isRegion(reg) {
			if region == "" {
				problems = append(problems, fmt.Sprintf("region %q is a placeholder; pass --region", reg))
			} else {
				reg = region
			}
		}
		// In an API Gateway service URI the fifth field names the AWS
		// service (sns, lambda, s3) rather than an account.
		if f[2] != "apigateway" && acct != "" && acct != "aws" && acct != "*" && !isAccountID(acct) {
			if account == "" {
				problems = append(problems, fmt.Sprintf("account id %q is a placeholder; pass --account-id", acct))
			} else {
				acct = account
			}
		}
		b.WriteString(strings.Join([]string{f[0], f[1], f[2], reg, acct}, ":") + ":")
		s = f[5]
	}
}

// arnStart finds "arn:" at the start of s or after a character that cannot
// be part of a word, so "warn:" is not mistaken for an ARN.
func arnStart(s string) int {
	off := 0
	for {
		i := strings.Index(s[off:], "arn:")
		if i < 0 {
			return -1
		}
		i += off
		if i == 0 || !isWordByte(s[i-1]) {
			return i
		}
		off = i + 4
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}
