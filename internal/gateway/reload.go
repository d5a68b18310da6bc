package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/ferrygw/ferry/internal/model"
	"github.com/ferrygw/ferry/internal/pipeline"
)

// Reload rebuilds the served table if the store changed since the last
// reload. Stages whose deployment and settings are unchanged keep their
// compiled pipeline; a stage that fails to compile is reported and answers
// 500, while every other stage keeps serving.
func (g *Gateway) Reload(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	rev, err := g.cfg.Store.Revision(ctx)
	if err != nil {
		return fmt.Errorf("gateway: read store revision: %w", err)
	}
	if rev == g.revision {
		return nil
	}
	stages, err := g.cfg.Store.ListAllStages(ctx)
	if err != nil {
		return fmt.Errorf("gateway: list stages: %w", err)
	}
	mappings, err := g.cfg.Store.ListAllBasePathMappings(ctx)
	if err != nil {
		return fmt.Errorf("gateway: list base path mappings: %w", err)
	}
	old := g.current.Load()
	next := &table{
		stages:             make(map[string]map[string]*servedStage),
		domains:            buildDomains(mappings),
		disabledExecuteAPI: make(map[string]bool),
	}
	// Stages of one API often share a deployment: read each snapshot once.
	snapshots := make(map[string]*model.Deployment) // apiID/deploymentID → deployment
	for _, st := range stages {
		served, err := g.compileStage(ctx, old, st, snapshots)
		if err != nil {
			return err
		}
		if next.stages[st.APIID] == nil {
			next.stages[st.APIID] = make(map[string]*servedStage)
		}
		next.stages[st.APIID][st.StageName] = served
		if served.disableExecuteAPI {
			next.disabledExecuteAPI[st.APIID] = true
		}
	}
	g.current.Store(next)
	g.revision = rev
	g.log.Info("configuration loaded", "revision", rev, "stages", len(stages), "domainMappings", len(mappings))
	return nil
}

func (g *Gateway) compileStage(ctx context.Context, old *table, st *model.Stage, snapshots map[string]*model.Deployment) (*servedStage, error) {
	fp, err := fingerprint(st)
	if err != nil {
		return nil, err
	}
	key := st.APIID + "/" + st.DeploymentID
	if prev := old.stage(st.APIID, st.StageName); prev != nil && prev.fingerprint == fp {
		return prev, nil
	}
	d, ok := snapshots[key]
	if !ok {
		d, err = g.cfg.Store.GetDeployment(ctx, st.APIID, st.DeploymentID)
		if err != nil {
			g.log.Error("stage cannot be served: its deployment cannot be read", "api", st.APIID, "stage", st.StageName, "deployment", st.DeploymentID, "err", err)
			return &servedStage{fingerprint: fp, err: err}, nil
		}
		snapshots[key] = d
	}
	p, err := pipeline.Compile(d.Snapshot, st, g.cfg.Pipeline)
	if err != nil {
		g.log.Error("stage cannot be served: it does not compile", "api", st.APIID, "stage", st.StageName, "deployment", st.DeploymentID, "err", err)
		return &servedStage{fingerprint: fp, err: err}, nil
	}
	return &servedStage{pipeline: p, fingerprint: fp, disableExecuteAPI: d.Snapshot.RestAPI.DisableExecuteAPIEndpoint}, nil
}

// fingerprint identifies everything a compiled stage depends on: the
// deployment (immutable, so its id suffices) and the stage's own settings.
func fingerprint(st *model.Stage) (string, error) {
	b, err := json.Marshal(st)
	if err != nil {
		return "", fmt.Errorf("gateway: fingerprint stage %s/%s: %w", st.APIID, st.StageName, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
