// pulumi-tfgen-random writes the Pulumi package schema (schema.json) and the
// bridge metadata (bridge-metadata.json) of the bridged random provider:
//
//	pulumi-tfgen-random schema --out DIR --skip-examples
//
// WEBSTACK_RANDOM_UPSTREAM_DIR may name the upstream module's directory, from
// which the resource documentation is read.
package main

import (
	"os"

	pftfgen "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	"github.com/terraform-providers/terraform-provider-random/webstack-bridge/provider"
)

// Set with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

func main() {
	pftfgen.Main("random", provider.Info(version, nil, os.Getenv("WEBSTACK_RANDOM_UPSTREAM_DIR")))
}
