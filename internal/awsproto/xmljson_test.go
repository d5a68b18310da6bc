package awsproto

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json from the converter's output")

// TestQueryXMLToJSONGolden converts every recorded answer in testdata:
// goaws-*.xml are goaws's own answers (go test -run Goaws -record), aws-*.xml
// follow the samples of AWS's API references.
func TestQueryXMLToJSONGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) < 10 {
		t.Fatalf("only %d samples in testdata", len(inputs))
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".xml")
		t.Run(name, func(t *testing.T) {
			xmlBody, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := QueryXMLToJSON(xmlBody)
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(got) {
				t.Fatalf("invalid JSON: %s", got)
			}
			var pretty bytes.Buffer
			json.Indent(&pretty, got, "", "  ")
			pretty.WriteByte('\n')
			golden := strings.TrimSuffix(in, ".xml") + ".json"
			if *update {
				if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Fatalf("got\n%s\nwant\n%s", pretty.Bytes(), want)
			}
		})
	}
}

// TestQueryXMLToJSONShapes pins the shapes AWS documents for JSON answers
// of query services, independently of the golden files.
func TestQueryXMLToJSONShapes(t *testing.T) {
	tests := []struct {
		name, xml, want string
	}{
		{
			"list topics",
			`<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListTopicsResult><Topics><member><TopicArn>arn:aws:sns:us-east-1:1:t</TopicArn></member></Topics></ListTopicsResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></ListTopicsResponse>`,
			`{"ListTopicsResponse":{"ListTopicsResult":{"NextToken":null,"Topics":[{"TopicArn":"arn:aws:sns:us-east-1:1:t"}]},"ResponseMetadata":{"RequestId":"r1"}}}`,
		},
		{
			"publish",
			`<PublishResponse><PublishResult><MessageId>m1</MessageId></PublishResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></PublishResponse>`,
			`{"PublishResponse":{"PublishResult":{"MessageId":"m1","SequenceNumber":null},"ResponseMetadata":{"RequestId":"r2"}}}`,
		},
		{
			"error",
			`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid parameter: TopicArn</Message></Error><RequestId>r3</RequestId></ErrorResponse>`,
			`{"Error":{"Code":"InvalidParameter","Message":"Invalid parameter: TopicArn","Type":"Sender"},"RequestId":"r3"}`,
		},
		{
			"one flattened SQS message is still an array",
			`<ReceiveMessageResponse><ReceiveMessageResult><Message><Body>a &lt;b&gt; &amp; c</Body></Message></ReceiveMessageResult></ReceiveMessageResponse>`,
			`{"ReceiveMessageResponse":{"ReceiveMessageResult":{"Message":[{"Body":"a <b> & c"}]}}}`,
		},
		{
			"no messages",
			`<ReceiveMessageResponse><ReceiveMessageResult/><ResponseMetadata><RequestId>r4</RequestId></ResponseMetadata></ReceiveMessageResponse>`,
			`{"ReceiveMessageResponse":{"ReceiveMessageResult":null,"ResponseMetadata":{"RequestId":"r4"}}}`,
		},
		{
			"empty list",
			`<ListTopicsResponse><ListTopicsResult><Topics/></ListTopicsResult></ListTopicsResponse>`,
			`{"ListTopicsResponse":{"ListTopicsResult":{"NextToken":null,"Topics":[]}}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := QueryXMLToJSON([]byte(tt.xml))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestQueryXMLToJSONErrors(t *testing.T) {
	deep := strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100)
	tests := []struct{ name, in, want string }{
		{"empty", "", "XML answer is empty"},
		{"not xml", `{"a":1}`, "text outside its root element"},
		{"unclosed", "<a><b></a>", "XML answer"},
		{"two roots", "<a/><b/>", "second root element <b>"},
		{"too deep", deep, "nests deeper than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := QueryXMLToJSON([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func FuzzQueryXMLToJSON(f *testing.F) {
	samples, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, s := range samples {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := QueryXMLToJSON(in)
		if err == nil && !json.Valid(out) {
			t.Fatalf("invalid JSON %q from %q", out, in)
		}
	})
}

func BenchmarkQueryXMLToJSON(b *testing.B) {
	in, err := os.ReadFile(filepath.Join("testdata", "goaws-sqs-receivemessage.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := QueryXMLToJSON(in); err != nil {
			b.Fatal(err)
		}
	}
}

func TestWriteStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote\back`, "tab\tnl\ncr\r", "ctl\x01\x1f", "<&>", "\u2028\u2029", "héllo ✓", "bad\xffutf8"} {
		var got bytes.Buffer
		writeString(&got, s)
		var back string
		if err := json.Unmarshal(got.Bytes(), &back); err != nil {
			t.Fatalf("%q: %s is not a JSON string: %v", s, got.Bytes(), err)
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if back != want {
			t.Fatalf("%q came back as %q", s, back)
		}
	}
}
