package kvm

import (
	"context"
	"fmt"
)

// beginRotation makes a new active key and returns it. A key from
// FERRY_MASTER_KEY is chosen by the operator, so then the current active key
// is the target and nothing is generated.
func (m *MasterKeys) beginRotation(ctx context.Context) (KeyID, error) {
	if m.FromEnvironment() {
		return m.ring.Active(), nil
	}
	id, err := m.generate(ctx)
	if err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[KeyID]bool{}
	for _, c := range m.checks.Checks {
		if cid, err := parseKeyID(c.ID); err == nil {
			seen[cid] = true
		}
	}
	if err := m.recordChecks(seen); err != nil {
		return 0, err
	}
	return id, nil
}

// retireAllBut forgets every key except keep, in memory and on disk, once
// nothing in the store is sealed with them any more. Keys that came from
// FERRY_MASTER_KEY leave the ring and master.check; the operator removes
// them from the environment.
func (m *MasterKeys) retireAllBut(keep KeyID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range m.ring.Keys() {
		if k.ID != keep {
			if err := m.ring.Remove(k.ID); err != nil {
				return err
			}
		}
	}
	if len(m.file.Keys) > 0 {
		next := keysFile{Format: fileFormat, Active: keep.String()}
		for _, e := range m.file.Keys {
			if e.ID == keep.String() {
				next.Keys = append(next.Keys, e)
			}
		}
		if len(next.Keys) == 0 {
			// The active key came from the environment: master.keys holds
			// only retired keys now.
			next.Active = ""
		}
		if err := writeJSON0600(m.keysPath(), next); err != nil {
			return fmt.Errorf("kvm: retire old master keys: %w", err)
		}
		m.file = next
	}
	next := checkFile{Format: fileFormat}
	for _, c := range m.checks.Checks {
		if c.ID == keep.String() {
			next.Checks = append(next.Checks, c)
		}
	}
	if err := writeJSON0600(m.checkPath(), next); err != nil {
		return fmt.Errorf("kvm: retire old master keys: %w", err)
	}
	m.checks = next
	return nil
}
