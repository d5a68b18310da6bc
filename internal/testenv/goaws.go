package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// GoawsConfig says which SNS topics and SQS queues a goaws server starts with.
type GoawsConfig struct {
	// Region goes into every ARN goaws reports. Empty means "us-east-1".
	Region string
	// AccountID goes into every ARN and queue URL. Empty means "123456789012".
	AccountID string
	// Queues are SQS queue names to create. Queues named only by a subscription
	// are created too.
	Queues []string
	// Topics are SNS topics to create, each with its subscriptions.
	Topics []GoawsTopic
}

// GoawsTopic is an SNS topic goaws creates at start.
type GoawsTopic struct {
	// Name is the topic name, the last part of its ARN.
	Name string
	// Subscriptions deliver what the topic receives to SQS queues.
	Subscriptions []GoawsSubscription
}

// GoawsSubscription subscribes an SQS queue to a topic.
type GoawsSubscription struct {
	// Queue is the name of the subscribed queue, created when missing.
	Queue string
	// Raw delivers the message body alone instead of SNS's JSON envelope.
	Raw bool
	// FilterPolicy is an SNS filter policy as JSON; empty means none.
	FilterPolicy string
}

// GoawsServer is a running goaws: SNS and SQS on one port. It accepts any
// signature; put an AWSFront before it to check ferry's. Its SNS answers are
// always XML.
type GoawsServer struct {
	// Endpoint is the base URL for both SNS and SQS clients.
	Endpoint string
	// Region and AccountID are the ones in every ARN the server reports.
	Region, AccountID string
	// TopicARNs maps each configured topic name to its ARN.
	TopicARNs map[string]string
	// QueueARNs maps each queue name (configured or subscribed) to its ARN.
	QueueARNs map[string]string
	// QueueURLs maps each queue name to a URL on Endpoint. goaws finds a queue by
	// the URL's last path segment; the URLs it reports itself carry the region
	// as a host prefix (us-east-1.127.0.0.1) that does not resolve.
	QueueURLs map[string]string
}

var awsName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}(\.fifo)?$`)

// goawsEnv is the one environment of goaws's YAML config file.
type goawsEnv struct {
	Host      string       `yaml:"Host"`
	Port      string       `yaml:"Port"`
	Region    string       `yaml:"Region"`
	AccountID string       `yaml:"AccountId"`
	Queues    []goawsQueue `yaml:"Queues"`
	Topics    []goawsTopic `yaml:"Topics"`
}

type goawsQueue struct {
	Name string `yaml:"Name"`
}

type goawsTopic struct {
	Name          string     `yaml:"Name"`
	Subscriptions []goawsSub `yaml:"Subscriptions,omitempty"`
}

type goawsSub struct {
	QueueName    string `yaml:"QueueName"`
	Raw          bool   `yaml:"Raw"`
	FilterPolicy string `yaml:"FilterPolicy,omitempty"`
}

// Goaws starts goaws with the topics, queues and subscriptions of cfg, and stops
// it when the test ends. goaws always binds 0.0.0.0 (its config has no listen
// address); everything here talks to it on 127.0.0.1 only.
func Goaws(t testing.TB, cfg GoawsConfig) *GoawsServer {
	t.Helper()
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.AccountID == "" {
		cfg.AccountID = "123456789012"
	}
	env, err := goawsEnvironment(cfg)
	if err != nil {
		t.Fatalf("testenv: goaws config: %v", err)
	}
	bin := requireBinary(t, "goaws")
	port := FreePort(t)
	env.Port = strconv.Itoa(port)
	data, err := yaml.Marshal(map[string]goawsEnv{"Local": env})
	if err != nil {
		t.Fatalf("testenv: goaws config: %v", err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "goaws.yaml")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatalf("testenv: write goaws config: %v", err)
	}
	s := &GoawsServer{
		Endpoint:  loopbackURL(port),
		Region:    cfg.Region,
		AccountID: cfg.AccountID,
		TopicARNs: map[string]string{},
		QueueARNs: map[string]string{},
		QueueURLs: map[string]string{},
	}
	for _, q := range env.Queues {
		s.addQueue(q.Name)
	}
	for _, tp := range env.Topics {
		s.TopicARNs[tp.Name] = fmt.Sprintf("arn:aws:sns:%s:%s:%s", s.Region, s.AccountID, tp.Name)
		for _, sub := range tp.Subscriptions {
			s.addQueue(sub.QueueName)
		}
	}
	p := startProcess(t, "goaws", dir, nil, bin, "-config", file, "Local")
	p.waitReady(t, 60*time.Second, httpStatus("GET", s.Endpoint+"/?Action=ListQueues", 200))
	return s
}

func (s *GoawsServer) addQueue(name string) {
	s.QueueARNs[name] = fmt.Sprintf("arn:aws:sqs:%s:%s:%s", s.Region, s.AccountID, name)
	s.QueueURLs[name] = s.Endpoint + "/" + s.AccountID + "/" + name
}

// goawsEnvironment checks cfg and turns it into goaws's config shape. Names are
// checked here because goaws would accept any string and build unusable ARNs.
func goawsEnvironment(cfg GoawsConfig) (goawsEnv, error) {
	env := goawsEnv{Host: "127.0.0.1", Region: cfg.Region, AccountID: cfg.AccountID}
	if !regexp.MustCompile(`^[0-9]{12}$`).MatchString(cfg.AccountID) {
		return env, fmt.Errorf("account id %q is not 12 digits", cfg.AccountID)
	}
	for i, q := range cfg.Queues {
		if !awsName.MatchString(q) {
			return env, fmt.Errorf("queue %d: name %q is not 1-80 letters, digits, - or _", i, q)
		}
		env.Queues = append(env.Queues, goawsQueue{Name: q})
	}
	for i, tp := range cfg.Topics {
		if !awsName.MatchString(tp.Name) {
			return env, fmt.Errorf("topic %d: name %q is not 1-80 letters, digits, - or _", i, tp.Name)
		}
		gt := goawsTopic{Name: tp.Name}
		for j, sub := range tp.Subscriptions {
			if !awsName.MatchString(sub.Queue) {
				return env, fmt.Errorf("topic %q subscription %d: queue name %q is not valid", tp.Name, j, sub.Queue)
			}
			gt.Subscriptions = append(gt.Subscriptions, goawsSub{QueueName: sub.Queue, Raw: sub.Raw, FilterPolicy: sub.FilterPolicy})
		}
		env.Topics = append(env.Topics, gt)
	}
	return env, nil
}
