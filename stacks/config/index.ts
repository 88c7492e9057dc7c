/**
 * Reads the `landing-zone:` namespace from the Pulumi runtime and validates
 * it. The only config module that imports Pulumi.
 */
import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE, namespaceConfig, requireValidConfig } from "./resolve";

export * from "./resolve";
export * from "./schema";

/** Every `landing-zone:` key from the engine, values parsed as Pulumi's getObject would. */
export function rawConfigFromRuntime(): Record<string, unknown> {
    return namespaceConfig(pulumi.runtime.allConfig());
}

/** The validated config, or a ConfigError listing every problem; called before any resource is declared. */
export function loadConfig() {
    return requireValidConfig(rawConfigFromRuntime());
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
