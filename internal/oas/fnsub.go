package oas

import (
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// fnSub resolves a CloudFormation Fn::Sub, in its string form or its
// [template, {NAME: value}] list form, to the string it stands for. API
// Gateway's own importer does not know Fn::Sub; ferry resolves it because
// definitions kept in CloudFormation templates carry it, and a user would
// otherwise have to hand-edit every export.
func (c *converter) fnSub(n *yaml.Node, loc []string) any {
	p := position{n.Line, n.Column}
	var tmpl string
	local := map[string]string{}
	switch {
	case n.Kind == yaml.ScalarNode:
		tmpl = n.Value
	case n.Kind == yaml.SequenceNode && len(n.Content) == 2 && n.Content[0].Kind == yaml.ScalarNode:
		tmpl = n.Content[0].Value
		vars, ok := c.convert(n.Content[1], append(loc, "1")).(map[string]any)
		if !ok {
			c.fail(loc, p, "Fn::Sub list form needs [template, {NAME: value, ...}]")
			return ""
		}
		for k, v := range vars {
			s, ok := v.(string)
			if !ok {
				c.fail(loc, p, "Fn::Sub variable %q must be a string", k)
				continue
			}
			local[k] = s
		}
	default:
		c.fail(loc, p, "Fn::Sub needs a string or [template, {NAME: value, ...}]")
		return ""
	}
	out, missing := substitute(tmpl, func(name string) (string, bool) {
		if v, ok := local[name]; ok {
			return v, true
		}
		return c.im.lookupVar(name)
	})
	for _, m := range missing {
		c.fail(loc, p, "%s", m)
	}
	return out
}

// substitute expands ${NAME} in s. ${!X} stands for a literal ${X}. It
// returns one message per unresolved or malformed reference, sorted.
func substitute(s string, lookup func(string) (string, bool)) (string, []string) {
	var b strings.Builder
	seen := map[string]bool{}
	var missing []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i+2:]
		j := strings.IndexByte(s, '}')
		if j < 0 {
			missing = append(missing, "Fn::Sub: \"${\" is never closed by \"}\"")
			b.WriteString("${" + s)
			break
		}
		name := s[:j]
		s = s[j+1:]
		if strings.HasPrefix(name, "!") {
			b.WriteString("${" + name[1:] + "}")
			continue
		}
		v, ok := lookup(name)
		if !ok {
			if !seen[name] {
				seen[name] = true
				missing = append(missing, missingVarMessage(name))
			}
			continue
		}
		b.WriteString(v)
	}
	sort.Strings(missing)
	return b.String(), missing
}

func missingVarMessage(name string) string {
	switch name {
	case "AWS::Region":
		return `Fn::Sub variable "AWS::Region" needs a region; pass --region`
	case "AWS::AccountId":
		return `Fn::Sub variable "AWS::AccountId" needs an account id; pass --account-id`
	}
	if strings.HasPrefix(name, "AWS::") {
		return `Fn::Sub pseudo parameter "` + name + `" is not supported; pass --var ` + name + `=VALUE`
	}
	return `Fn::Sub variable "` + name + `" is not set; pass --var ` + name + `=VALUE`
}
