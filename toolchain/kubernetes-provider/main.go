// pulumi-resource-kubernetes, served by the provider package of
// github.com/pulumi/pulumi-kubernetes/provider/v4. The schema and the
// Terraform mapping are embedded as the release build embeds them; the
// version comes from -X .../pkg/version.Version.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
