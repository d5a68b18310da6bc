package awsproto

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Limits on XML answers: they come from a server ferry does not control.
const (
	maxXMLDepth = 64
	maxXMLNodes = 100_000
)

// flattened lists are items that query services send without a <member>
// wrapper (SQS), keyed by the element that holds them: they are arrays even
// when only one is present. "Message" is a list only inside
// ReceiveMessageResult; an error's Message is text.
var flattened = map[string]map[string]bool{
	"ReceiveMessageResult":               {"Message": true},
	"Message":                            {"Attribute": true, "MessageAttribute": true},
	"ListQueuesResult":                   {"QueueUrl": true},
	"ListDeadLetterSourceQueuesResult":   {"QueueUrl": true},
	"SendMessageBatchResult":             {"SendMessageBatchResultEntry": true, "BatchResultErrorEntry": true},
	"DeleteMessageBatchResult":           {"DeleteMessageBatchResultEntry": true, "BatchResultErrorEntry": true},
	"ChangeMessageVisibilityBatchResult": {"ChangeMessageVisibilityBatchResultEntry": true, "BatchResultErrorEntry": true},
}

// emptyLists are elements that hold a list: when empty they become [] (as
// AWS's JSON sends), not null.
var emptyLists = map[string]bool{
	"Topics":               true,
	"Subscriptions":        true,
	"Tags":                 true,
	"PlatformApplications": true,
	"Endpoints":            true,
	"phoneNumbers":         true,
}

// resultMembers lists, for the results ferry's users call most, every
// member AWS's JSON carries: the ones an XML answer omits become null, as
// AWS writes absent optional members. From the services' API references.
var resultMembers = map[string][]string{
	"ListTopicsResult":        {"NextToken", "Topics"},
	"ListSubscriptionsResult": {"NextToken", "Subscriptions"},
	"PublishResult":           {"MessageId", "SequenceNumber"},
	"CreateTopicResult":       {"TopicArn"},
	"SubscribeResult":         {"SubscriptionArn"},
	"SendMessageResult":       {"MD5OfMessageAttributes", "MD5OfMessageBody", "MD5OfMessageSystemAttributes", "MessageId", "SequenceNumber"},
	"AssumeRoleResult":        {"AssumedRoleUser", "Credentials", "PackedPolicySize", "SourceIdentity"},
	"Error":                   {"Code", "Message", "Type"},
}

// node is one XML element.
type node struct {
	name     string
	children []*node
	text     strings.Builder
}

// QueryXMLToJSON converts the XML answer of a query-protocol service into
// the JSON shape AWS returns to a request with Accept: application/json:
// the root element becomes the outer key, <member> lists and repeated or
// flattened elements become arrays, <entry><key/><value/></entry> maps
// become objects, empty elements become null, and an <ErrorResponse>
// becomes {"Error":{"Code","Message","Type",...},"RequestId"}. Values stay
// strings: without the service model a number cannot be told from text.
// Keys are sorted, as AWS's JSON answers have them.
func QueryXMLToJSON(data []byte) ([]byte, error) {
	root, err := parseXML(data)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if root.name == "ErrorResponse" {
		// AWS's JSON error has no wrapper: {"Error":{...},"RequestId":...}.
		writeObject(&out, root.name, root.children)
	} else {
		writeObject(&out, "", []*node{root})
	}
	return out.Bytes(), nil
}

func parseXML(data []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var stack []*node
	var root *node
	count := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("awsproto: XML answer: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if count++; count > maxXMLNodes {
				return nil, fmt.Errorf("awsproto: XML answer has more than %d elements", maxXMLNodes)
			}
			if len(stack) >= maxXMLDepth {
				return nil, fmt.Errorf("awsproto: XML answer nests deeper than %d", maxXMLDepth)
			}
			n := &node{name: t.Name.Local}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("awsproto: XML answer has a second root element <%s>", n.name)
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("awsproto: XML answer has text outside its root element")
			}
		}
	}
	if root == nil {
		return nil, errors.New("awsproto: XML answer is empty")
	}
	return root, nil
}

func writeNode(out *bytes.Buffer, n *node) {
	if len(n.children) == 0 {
		text := n.text.String()
		switch {
		case strings.TrimSpace(text) != "":
			writeString(out, text)
		case emptyLists[n.name]:
			out.WriteString("[]")
		default:
			out.WriteString("null")
		}
		return
	}
	if allNamed(n.children, "member") {
		out.WriteByte('[')
		for i, c := range n.children {
			if i > 0 {
				out.WriteByte(',')
			}
			writeNode(out, c)
		}
		out.WriteByte(']')
		return
	}
	if isEntryMap(n.children) {
		out.WriteByte('{')
		for i, c := range n.children {
			if i > 0 {
				out.WriteByte(',')
			}
			writeString(out, child(c, "key").text.String())
			out.WriteByte(':')
			writeNode(out, child(c, "value"))
		}
		out.WriteByte('}')
		return
	}
	writeObject(out, n.name, n.children)
}

// writeObject groups children by name; a name that repeats, or is a
// flattened list item, becomes an array. Keys come out sorted, as in AWS's
// JSON answers, and known result members that are absent come out null.
func writeObject(out *bytes.Buffer, parent string, children []*node) {
	groups := map[string][]*node{}
	for _, c := range children {
		groups[c.name] = append(groups[c.name], c)
	}
	for _, m := range resultMembers[parent] {
		if _, ok := groups[m]; !ok {
			groups[m] = nil
		}
	}
	names := make([]string, 0, len(groups))
	for name := range groups {
		names = append(names, name)
	}
	sort.Strings(names)
	out.WriteByte('{')
	for i, name := range names {
		if i > 0 {
			out.WriteByte(',')
		}
		writeString(out, name)
		out.WriteByte(':')
		g := groups[name]
		switch {
		case len(g) == 0 && emptyLists[name]:
			out.WriteString("[]")
		case len(g) == 0:
			out.WriteString("null")
		case len(g) == 1 && !flattened[parent][name]:
			writeNode(out, g[0])
		default:
			out.WriteByte('[')
			for j, c := range g {
				if j > 0 {
					out.WriteByte(',')
				}
				writeNode(out, c)
			}
			out.WriteByte(']')
		}
	}
	out.WriteByte('}')
}

func allNamed(ns []*node, name string) bool {
	for _, n := range ns {
		if n.name != name {
			return false
		}
	}
	return true
}

func isEntryMap(ns []*node) bool {
	for _, n := range ns {
		if n.name != "entry" || child(n, "key") == nil || child(n, "value") == nil || len(n.children) != 2 {
			return false
		}
	}
	return true
}

func child(n *node, name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// writeString writes s as a JSON string without HTML escaping: AWS's JSON
// carries "<" and "&" as they are. Invalid UTF-8 becomes U+FFFD, as
// encoding/json would write it.
func writeString(out *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	out.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			out.WriteByte('\\')
			out.WriteRune(r)
		case r == '\n':
			out.WriteString(`\n`)
		case r == '\r':
			out.WriteString(`\r`)
		case r == '\t':
			out.WriteString(`\t`)
		case r < 0x20, r == 0x2028, r == 0x2029:
			out.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				out.WriteByte(hex[(r>>shift)&0xf])
			}
		default:
			out.WriteRune(r) // utf8.RuneError for invalid bytes
		}
	}
	out.WriteByte('"')
}
