package mappingtemplate

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

const snsSeed = `Action=Publish&TopicArn=$util.urlEncode('arn:aws:sns:us-east-1:123456789012:t')&Message=$util.urlEncode($input.body)##`

// records100 is the shape of the SQS/Kinesis/DynamoDB examples: a
// #foreach over $input.path('$.records') building JSON.
const records100 = `{
  "Records": [
#foreach($r in $input.path('$.records'))
    {"Data": "$util.base64Encode($r.data)", "PartitionKey": "$r.key"}#if($foreach.hasNext),#end
#end
  ]
}`

func recordsBody(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"records":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"data":"payload %d","key":"k%d"}`, i, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func BenchmarkParseSNSSeed(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("sns", snsSeed); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderSNSSeed(b *testing.B) {
	t, err := Parse("sns", snsSeed)
	if err != nil {
		b.Fatal(err)
	}
	in := &Input{Body: []byte(`{"message":"hello world"}`)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.Render(ctx, in, Limits{MaxDuration: time.Minute}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseRecords100(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("records", records100); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderRecords100(b *testing.B) {
	t, err := Parse("records", records100)
	if err != nil {
		b.Fatal(err)
	}
	in := &Input{Body: recordsBody(100)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := t.Render(ctx, in, Limits{MaxDuration: time.Minute}); err != nil {
			b.Fatal(err)
		}
	}
}
