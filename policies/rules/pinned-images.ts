import { ResourceValidationPolicy } from "@pulumi/policy";
import { CheckContext, Finding, Findings, PolicyInputResource } from "../lib/findings";
import { CommonConfig, resourcePolicy } from "../lib/policy";
import { containersOf } from "../lib/resources";
import { K8S_WORKLOADS, T } from "../lib/types";
import { isUnknown } from "../lib/unknown";
import { asString } from "../lib/values";

export interface PinnedImagesConfig extends CommonConfig {
    /** Allow mutable tags (`:latest`, no tag). Set for local and review stacks. @default false */
    allowMutableTags?: boolean;
    /** Tags that move. @default ["latest"] */
    mutableTags?: string[];
    /** Every image carries a digest (`@sha256:`), whatever its tag. Set for production. @default false */
    requireDigest?: boolean;
}

export interface ImageRef {
    repository: string;
    tag?: string;
    digest?: string;
}

/** Splits `registry/repo[:tag][@sha256:...]`; a bare `sha256:<hex>` image ID counts as a digest. */
export function parseImage(image: string): ImageRef {
    const trimmed = image.trim();
    if (/^sha256:[0-9a-f]{64}$/i.test(trimmed)) {
        return { repository: "", digest: trimmed };
    }
    const at = trimmed.indexOf("@");
    const digest = at >= 0 ? trimmed.slice(at + 1) : undefined;
    const name = at >= 0 ? trimmed.slice(0, at) : trimmed;
    const slash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    if (colon > slash) {
        return { repository: name.slice(0, colon), tag: name.slice(colon + 1), digest };
    }
    return { repository: name, digest };
}

function imagesOf(r: PolicyInputResource): { where: string; image: unknown }[] {
    if (r.type === T.remoteImage) {
        return [{ where: "the pulled image (name)", image: r.props.name }];
    }
    if (r.type === T.dockerImage) {
        return [{ where: "the built image (imageName)", image: r.props.imageName }];
    }
    if (r.type === T.container) {
        return [{ where: "the container", image: r.props.image }];
    }
    const containers = containersOf(r, { init: true });
    const out: { where: string; image: unknown }[] = containers.list.map((c) => ({ where: `${c.init ? "init container" : "container"} "${c.name}"`, image: c.spec.image }));
    if (containers.unknown) {
        out.push({ where: "containers", image: containers.unknown });
    }
    return out;
}

/** Images are pinned: a digest, or a tag that does not move (never `:latest` or no tag). */
export function checkPinnedImages(r: PolicyInputResource, config: PinnedImagesConfig, _ctx?: CheckContext): Finding[] {
    const f = new Findings();
    const mutable = (config.mutableTags ?? ["latest"]).map((t) => t.toLowerCase());
    for (const { where, image } of imagesOf(r)) {
        const ref = asString(image);
        if (isUnknown(ref)) {
            f.undetermined(r, ref, `the image of ${where}`);
            continue;
        }
        if (ref === undefined || ref.trim() === "") {
            f.violation(r, `${where} has no image`, "set an image reference with an immutable tag or a digest (repo:1.4.2 or repo@sha256:...)");
            continue;
        }
        const parsed = parseImage(ref);
        if (config.requireDigest === true) {
            if (parsed.digest === undefined || !/^sha256:[0-9a-f]{64}$/.test(parsed.digest)) {
                f.violation(r, `${where} uses image "${ref}" without a digest; this environment runs only images pinned by digest, because a tag${parsed.tag ? ` (:${parsed.tag})` : ""} can be pointed at other bytes after review`,
                    `deploy "${parsed.repository || ref}@sha256:<digest>": the promotion pipeline writes the digest recorded when the image was built`);
            }
            continue;
        }
        if (parsed.digest !== undefined || config.allowMutableTags === true) {
            continue;
        }
        if (parsed.tag === undefined) {
            f.violation(r, `${where} uses image "${ref}" without a tag, which means :latest and changes under the same name`,
                `pin it: "${parsed.repository}:<version>" or "${parsed.repository}@sha256:<digest>"`);
        } else if (mutable.includes(parsed.tag.toLowerCase())) {
            f.violation(r, `${where} uses image "${ref}" with the mutable tag :${parsed.tag}, so two deployments of the same code can run different images`,
                `pin it: "${parsed.repository}:<version>" or "${parsed.repository}@sha256:<digest>"`);
        }
    }
    return f.list;
}

export const pinnedImages: ResourceValidationPolicy = resourcePolicy<PinnedImagesConfig>({
    name: "pinned-images",
    description: "A mutable tag such as :latest makes a deployment unrepeatable: a rollback or a new pod can pull different code than was reviewed. Images are pinned by version tag or digest (digests are always accepted).",
    severity: "high",
    types: [...K8S_WORKLOADS, T.container, T.remoteImage, T.dockerImage],
    config: {
        allowMutableTags: { type: "boolean", default: false, description: "Allow :latest and untagged images (local and review stacks)." },
        mutableTags: { type: "array", items: { type: "string" }, default: ["latest"], description: "Tags that move and are refused." },
        requireDigest: { type: "boolean", default: false, description: "Every image must carry an @sha256: digest (production)." },
    },
    check: checkPinnedImages,
});
