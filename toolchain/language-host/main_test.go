package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestRuntimeConfigUsesTheOldKeyFormAndListsSecrets(t *testing.T) {
	cfg, secrets, err := runtimeConfig(
		map[string]string{"webstack:db.name": "app", "aws:region": "eu-west-1"},
		[]string{"webstack:db.password"})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal(cfg, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"webstack:config:db.name": "app", "aws:config:region": "eu-west-1"}
	if len(got) != len(want) {
		t.Fatalf("config = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("config[%q] = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if string(secrets) != `["webstack:db.password"]` {
		t.Errorf("secret keys = %s", secrets)
	}
}

func TestRuntimeConfigSendsAnEmptyArrayWithoutSecrets(t *testing.T) {
	_, secrets, err := runtimeConfig(map[string]string{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(secrets) != "[]" {
		t.Errorf("secret keys = %s, want []", secrets)
	}
}

func TestRuntimeConfigRejectsAKeyWithoutNamespace(t *testing.T) {
	if _, _, err := runtimeConfig(map[string]string{"nonamespace": "x"}, nil); err == nil {
		t.Fatal("expected an error for a key without a namespace")
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGetRequiredPackagesFindsResourcePackagesOnly(t *testing.T) {
	dir := t.TempDir()
	nm := filepath.Join(dir, "node_modules")
	writeJSON(t, filepath.Join(nm, "@pulumi", "random", "package.json"), map[string]any{
		"name": "@pulumi/random", "version": "4.19.1",
		"pulumi": map[string]any{"resource": true, "name": "random"},
	})
	writeJSON(t, filepath.Join(nm, "@pulumi", "kubernetes", "package.json"), map[string]any{
		"name": "@pulumi/kubernetes", "version": "4.25.0",
		"pulumi": map[string]any{"resource": true},
	})
	// Not a resource package: the SDK itself.
	writeJSON(t, filepath.Join(nm, "@pulumi", "pulumi", "package.json"), map[string]any{
		"name": "@pulumi/pulumi", "version": "3.248.0",
	})
	// A nested duplicate is reported once.
	writeJSON(t, filepath.Join(nm, "other", "node_modules", "@pulumi", "random", "package.json"), map[string]any{
		"name": "@pulumi/random", "version": "4.19.1",
		"pulumi": map[string]any{"resource": true, "name": "random"},
	})

	resp, err := (&host{}).GetRequiredPackages(context.Background(), &pulumirpc.GetRequiredPackagesRequest{
		Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range resp.Packages {
		if p.Kind != "resource" {
			t.Errorf("%s: kind %q, want resource", p.Name, p.Kind)
		}
		got = append(got, p.Name+"@"+p.Version)
	}
	sort.Strings(got)
	want := []string{"kubernetes@v4.25.0", "random@v4.19.1"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("packages = %v, want %v", got, want)
	}
}

func TestParseOptsReadsTheProjectRuntimeOptions(t *testing.T) {
	opts, err := structpb.NewStruct(map[string]any{
		"typescript": false, "tsconfig": "tsconfig.build.json", "nodeargs": "--max-old-space-size=512 --trace-warnings",
	})
	if err != nil {
		t.Fatal(err)
	}
	o := parseOpts(&pulumirpc.ProgramInfo{Options: opts})
	if o.typescript || o.tsconfig != "tsconfig.build.json" || len(o.nodeargs) != 2 {
		t.Fatalf("parsed options = %+v", o)
	}
	env := o.env(nil)
	if len(env) != 1 || env[0] != "PULUMI_NODEJS_TSCONFIG_PATH=tsconfig.build.json" {
		t.Errorf("env = %v", env)
	}
	if d := parseOpts(nil); !d.typescript || len(d.env(nil)) != 1 {
		t.Errorf("defaults = %+v, env %v; want typescript on", d, d.env(nil))
	}
}

func TestGetRequiredPackagesFollowsASymlinkedNodeModules(t *testing.T) {
	shared := t.TempDir()
	writeJSON(t, filepath.Join(shared, "@pulumi", "kubernetes", "package.json"), map[string]any{
		"name": "@pulumi/kubernetes", "version": "4.25.0", "pulumi": map[string]any{"resource": true},
	})
	dir := t.TempDir()
	if err := os.Symlink(shared, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	resp, err := (&host{}).GetRequiredPackages(context.Background(), &pulumirpc.GetRequiredPackagesRequest{
		Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Packages) != 1 || resp.Packages[0].Name != "kubernetes" || resp.Packages[0].Version != "v4.25.0" {
		t.Fatalf("packages = %v, want kubernetes@v4.25.0", resp.Packages)
	}
}
