/**
 * Instance type names → CPU architecture → Amazon Linux 2023 image. Pure: the
 * config validation and the launch template use the same rule, so a list of
 * types that mixes architectures is refused before anything is declared
 * (one launch template has one image, and an arm64 image does not boot on x86).
 */

import { catalogueArchitecture } from "../catalogue/ec2-instance-types";

export type Architecture = "arm64" | "x86_64";

/** `family.size`, e.g. t4g.small, m7i-flex.large, c6gn.medium. */
const INSTANCE_TYPE = /^([a-z][a-z0-9-]*)\.([a-z0-9]+)$/;

export function isInstanceTypeName(type: string): boolean {
    return INSTANCE_TYPE.test(type);
}

/**
 * The architecture of an instance type, from its family name: Graviton
 * families carry a `g` straight after the generation digit (t4g, m7g, c6gn,
 * m6gd, r8g, x2gd, im4gn, is4gen, hpc7g), plus the first-generation a1.
 * Everything else (t3, m7i, m7a, c5n, g4ad — `g` not after the digit) is
 * x86_64. Undefined when the name is not an instance type.
 */
export function instanceArchitecture(type: string): Architecture | undefined {
    // The catalogue (EC2's own answer, the price list, or this same rule) first.
    const known = catalogueArchitecture(type);
    if (known) return known;
    const match = INSTANCE_TYPE.exec(type);
    if (!match) return undefined;
    const family = match[1];
    if (family === "a1") return "arm64";
    return /^[a-z]+\d+g[a-z]*$/.test(family) ? "arm64" : "x86_64";
}

/** The public SSM parameter that always names the newest Amazon Linux 2023 image for an architecture. */
export function al2023ImageParameter(arch: Architecture): string {
    return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;
}

/** The launch template image id: EC2 resolves the parameter at each launch, so replacements get a patched image. */
export function al2023ImageId(arch: Architecture): string {
    return `resolve:ssm:${al2023ImageParameter(arch)}`;
}
