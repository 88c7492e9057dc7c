/**
 * Reads the `landing-zone:` namespace from the Pulumi runtime and validates
 * it. The only config module that imports Pulumi.
 */
import * as pulumi from "@pulumi/pulumi";
import { namespaceProblems } from "./namespaces";
import { ConfigError, NAMESPACE, namespaceConfig, requireValidConfig } from "./resolve";
import { clearTextSecretProblems } from "./secrets-hygiene";

export * from "./resolve";
export * from "./schema";

/** Every `landing-zone:` key from the engine, values parsed as Pulumi's getObject would. */
export function rawConfigFromRuntime(): Record<string, unknown> {
    return namespaceConfig(pulumi.runtime.allConfig());
}

/** The validated config, or a ConfigError listing every problem; called before any resource is declared. */
export function loadConfig() {
    const all = pulumi.runtime.allConfig();
    // The engine marks a whole key secret when any part of it is; per-value checks are the offline plan's (it reads the file).
    const isSecret = (pulumi.runtime as unknown as { isConfigSecret: (key: string) => boolean }).isConfigSecret;
    const raw = namespaceConfig(all);
    const hygiene = [
        ...namespaceProblems(Object.keys(all)),
        ...clearTextSecretProblems(raw, (p) => isSecret(`${NAMESPACE}:${p.split(".")[0]}`), pulumi.getStack()),
    ];
    if (hygiene.length > 0) throw new ConfigError(hygiene);
    return requireValidConfig(raw);
}

/**
 * The site pre-shared keys as secret outputs. Read through Pulumi's secret
 * accessor so the engine keeps them encrypted in state.
 */
export function vpnPreSharedKeys(): Record<string, pulumi.Output<string>> {
    const config = new pulumi.Config(NAMESPACE);
    const names = Object.keys(JSON.parse(pulumi.runtime.getConfig(`${NAMESPACE}:vpnPreSharedKeys`) ?? "{}") as Record<string, string>);
    const all = config.getSecretObject<Record<string, string>>("vpnPreSharedKeys");
    const keys: Record<string, pulumi.Output<string>> = {};
    for (const name of names) keys[name] = pulumi.secret(all!.apply((k) => k[name]));
    return keys;
}

/** The seed the cross-cloud tunnel keys are derived from, as a secret output; undefined when unset. */
export function crossCloudTunnelKeySeed(): pulumi.Output<string> | undefined {
    return new pulumi.Config(NAMESPACE).getSecret("crossCloudTunnelKeySeed");
}
