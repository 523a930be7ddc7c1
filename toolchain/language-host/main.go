// webstack's pulumi-language-nodejs, the Node.js language host.
//
// Used when the real language host module cannot be fetched from the Go
// module proxy (it is not served there). It implements what
// `pulumi preview/up/destroy` and `--policy-pack` need for Node.js programs,
// built against the same
// github.com/pulumi/pulumi/sdk/v3 version as the CLI: it starts
// @pulumi/pulumi/cmd/run (programs), @pulumi/pulumi/cmd/run-policy-pack
// (policy packs, through sdk.PolicyProxy) or @pulumi/pulumi/cmd/run-plugin.
// Not implemented: code generation, Pack/Link, the synchronous-invoke pipes,
// debugger attach, bun.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Set with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

// Exit code by which the Node runtime says it already printed an actionable error.
const exitAfterUserMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.String("tracing", "", "ignored")
	flag.String("runtime", "nodejs", "ignored (only nodejs is supported)")
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}
	h := &host{}
	if flag.NArg() > 0 {
		h.engineAddress = flag.Arg(0)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if h.engineAddress != "" {
		// Exit when the engine goes away, as the real host does.
		if err := rpcutil.Healthcheck(ctx, h.engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check: %w", err))
		}
	}
	done := make(chan bool)
	go func() { <-ctx.Done(); close(done) }()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: done,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(err)
	}
}

func (h *host) Handshake(ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.EngineAddress != "" {
		h.engineAddress = req.EngineAddress
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPackages lists node_modules packages whose package.json says
// {"pulumi": {"resource": true}}: those are the resource plugins to load.
func (h *host) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	var pkgs []*pulumirpc.PackageDependency
	seen := map[string]bool{}
	root := filepath.Join(req.Info.ProgramDirectory, "node_modules")
	// WalkDir does not follow a symlinked root (a shared node_modules).
	if resolved, err := filepath.EvalSymlinks(root); err == nil {
		root = resolved
	}
	_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "package.json" {
			return nil
		}
		var info struct {
			Name    string                  `json:"name"`
			Version string                  `json:"version"`
			Pulumi  plugin.PulumiPluginJSON `json:"pulumi"`
		}
		b, err := os.ReadFile(path)
		if err != nil || json.Unmarshal(b, &info) != nil || !info.Pulumi.Resource {
			return nil
		}
		name := info.Pulumi.Name
		if name == "" && strings.HasPrefix(info.Name, "@pulumi/") {
			name = strings.TrimPrefix(info.Name, "@pulumi/")
		}
		ver := info.Pulumi.Version
		if ver == "" {
			ver = info.Version
		}
		if name == "" || ver == "" {
			return nil
		}
		if !strings.HasPrefix(ver, "v") {
			ver = "v" + ver
		}
		dep := &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: ver, Server: info.Pulumi.Server}
		if p := info.Pulumi.Parameterization; p != nil {
			dep.Parameterization = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
		}
		key := dep.Name + "@" + dep.Version
		if !seen[key] {
			seen[key] = true
			pkgs = append(pkgs, dep)
		}
		return nil
	})
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

// locateModule resolves a module (e.g. @pulumi/pulumi/cmd/run) from dir.
func locateModule(dir, mod string) (string, error) {
	cmd := exec.Command("node", "-e", fmt.Sprintf("console.log(require.resolve(%q))", mod))
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("could not find %s from %s: is @pulumi/pulumi installed there (npm ci)? %w",
			mod, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

type nodeOpts struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

func parseOpts(info *pulumirpc.ProgramInfo) nodeOpts {
	o := nodeOpts{typescript: true}
	if info == nil || info.Options == nil {
		return o
	}
	m := info.Options.AsMap()
	if v, ok := m["typescript"].(bool); ok {
		o.typescript = v
	}
	if v, ok := m["tsconfig"].(string); ok {
		o.tsconfig = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		o.nodeargs = strings.Fields(v)
	}
	return o
}

func (o nodeOpts) env(base []string) []string {
	if o.typescript {
		base = append(base, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		base = append(base, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return base
}

// runtimeConfig encodes the stack's configuration for the Node.js runtime:
// PULUMI_CONFIG with keys in the old "<namespace>:config:<name>" form, as the
// real host sends them, and PULUMI_CONFIG_SECRET_KEYS as a JSON array.
func runtimeConfig(values map[string]string, secretKeys []string) (cfgJSON, secretJSON []byte, err error) {
	cfg := map[string]string{}
	for k, v := range values {
		pk, err := config.ParseKey(k)
		if err != nil {
			return nil, nil, fmt.Errorf("invalid config key %q: %w", k, err)
		}
		cfg[pk.Namespace()+":config:"+pk.Name()] = v
	}
	if secretKeys == nil {
		secretKeys = []string{}
	}
	if cfgJSON, err = json.Marshal(cfg); err != nil {
		return nil, nil, err
	}
	if secretJSON, err = json.Marshal(secretKeys); err != nil {
		return nil, nil, err
	}
	return cfgJSON, secretJSON, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	runPath, err := locateModule(req.Info.ProgramDirectory, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cfgJSON, secretJSON, err := runtimeConfig(req.GetConfig(), req.GetConfigSecretKeys())
	if err != nil {
		return nil, err
	}

	opts := parseOpts(req.Info)
	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", req.GetInfo().GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", req.Info.ProgramDirectory)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	args = append(args, req.Info.EntryPoint)
	args = append(args, req.GetArgs()...)

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = opts.env(append(os.Environ(),
		"PULUMI_CONFIG="+string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON)))
	// Wrapped writers: node may switch its stdio to non-blocking mode.
	cmd.Stdout = struct{ *os.File }{os.Stdout}
	cmd.Stderr = struct{ *os.File }{os.Stderr}
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitAfterUserMessage {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: "could not run node: " + err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin runs policy packs (kind "analyzer") and Node.js plugins.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	analyzer := req.Kind == string(apitype.AnalyzerPlugin)
	mod := "@pulumi/pulumi/cmd/run-plugin"
	if analyzer {
		mod = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	runPath, err := locateModule(req.Info.ProgramDirectory, mod)
	if err != nil {
		return err
	}
	opts := parseOpts(req.Info)
	env := opts.env(append([]string{}, req.Env...))
	args := append(append([]string{}, opts.nodeargs...), runPath)
	if analyzer { // engine address first, the policy pack directory last
		args = append(append(args, req.Args...), req.Info.ProgramDirectory)
	} else {
		args = append(append(args, req.Info.ProgramDirectory), req.Args...)
	}

	// A policy pack needs the stack's configuration in its environment; the
	// engine only sends it over the analyzer protocol, so a proxy answers the
	// engine first and then forwards to the real policy pack process.
	var proxy *sdk.PolicyProxy
	if analyzer {
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start policy pack proxy: %w", err)
		}
		stackCfg, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get stack configuration: %w", err)
		}
		if stackCfg != nil {
			set := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			set("PULUMI_NODEJS_ORGANIZATION", stackCfg.Organization)
			set("PULUMI_NODEJS_PROJECT", stackCfg.Project)
			set("PULUMI_NODEJS_STACK", stackCfg.Stack)
			set("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stackCfg.DryRun))
			if stackCfg.Config != nil {
				b, err := json.Marshal(stackCfg.Config)
				if err != nil {
					return err
				}
				set("PULUMI_CONFIG", string(b))
			}
		}
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.Pwd
	if analyzer { // policy packs always ran from their own directory
		cmd.Dir = req.Info.ProgramDirectory
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not run node: %w", err)
	}
	if proxy != nil {
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach policy pack proxy: %w", err)
		}
		return nil
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("plugin exited: %w", err)
	}
	return closer.Close()
}

// InstallDependencies backs `pulumi install`: npm/yarn/pnpm install in the program directory.
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.IsTerminal)
	if err != nil {
		return err
	}
	defer closer.Close()
	if _, err := npm.Install(server.Context(), npm.AutoPackageManager, req.Info.ProgramDirectory,
		false, stdout, stderr); err != nil {
		return err
	}
	return closer.Close()
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node not found: %w", err)
	}
	path, _ := exec.LookPath("node")
	return &pulumirpc.AboutResponse{Executable: path, Version: strings.TrimSpace(string(out))}, nil
}
