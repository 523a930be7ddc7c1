// Package provider describes how the Terraform random provider maps to the
// Pulumi package "random": tokens random:index/<camelName>:<PascalName>, the
// naming that @pulumi/random uses.
package provider

import (
	"context"

	pftfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"

	upstream "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// Info returns the provider mapping. version is the plugin's version;
// metadata is the bridge metadata that tfgen wrote (nil while generating).
func Info(version string, metadata []byte, upstreamRepoPath string) tfbridge.ProviderInfo {
	prov := tfbridge.ProviderInfo{
		P:                pftfbridge.ShimProviderWithContext(context.Background(), upstream.New()),
		Name:             "random",
		DisplayName:      "random",
		Version:          version,
		Description:      "A Pulumi package to safely use randomness in Pulumi programs.",
		Keywords:         []string{"pulumi", "random"},
		License:          "Apache-2.0",
		Homepage:         "https://pulumi.io",
		Repository:       "https://github.com/pulumi/pulumi-random",
		Publisher:        "Pulumi",
		GitHubOrg:        "hashicorp",
		UpstreamRepoPath: upstreamRepoPath,
		MetadataInfo:     tfbridge.NewProviderMetadata(metadata),
		JavaScript: &tfbridge.JavaScriptInfo{
			PackageName: "@pulumi/random",
		},
	}
	// random_password -> random:index/randomPassword:RandomPassword
	prov.MustComputeTokens(tokens.SingleModule("", "index", tokens.MakeStandard("random")))
	prov.SetAutonaming(255, "-")
	return prov
}
