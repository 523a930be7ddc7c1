// pulumi-resource-random serves the bridged random provider. schema.json and
// bridge-metadata.json are written into this directory by pulumi-tfgen-random
// before this program is built (they are not committed).
package main

import (
	"context"
	_ "embed"

	pftfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"

	"github.com/terraform-providers/terraform-provider-random/webstack-bridge/provider"
)

// Set with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

//go:embed schema.json
var schema []byte

//go:embed bridge-metadata.json
var metadata []byte

func main() {
	ctx := context.Background()
	pftfbridge.Main(ctx, "random", provider.Info(version, metadata, ""),
		pftfbridge.ProviderMetadata{PackageSchema: schema})
}
