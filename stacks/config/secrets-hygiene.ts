/**
 * Values that must be secrets and are given in clear text. A stack file is
 * committed, so a pre-shared key written there in clear has leaked the
 * moment it is pushed: refuse it (exit 2) and say exactly how to store it
 * as a secret. Pure; never prints the value.
 */
import { NAMESPACE } from "./resolve";

/** A config value that must be stored as a secret, by its path below the namespace. */
export interface SecretKey {
    /** `vpnPreSharedKeys.<site>` or `crossCloudTunnelKeySeed`. */
    path: string;
    /** What it is, for the message. */
    what: string;
}

/** The secret values present in raw config (keys without the namespace), one per path. */
export function secretKeysIn(raw: Readonly<Record<string, unknown>>): SecretKey[] {
    const keys: SecretKey[] = [];
    const psks = raw.vpnPreSharedKeys;
    if (psks && typeof psks === "object" && !Array.isArray(psks)) {
        for (const site of Object.keys(psks)) keys.push({ path: `vpnPreSharedKeys.${site}`, what: `the pre-shared key of site "${site}"` });
    }
    if (raw.crossCloudTunnelKeySeed !== undefined) keys.push({ path: "crossCloudTunnelKeySeed", what: "the cross-cloud tunnel key seed" });
    return keys;
}

/** The command that stores one value as a secret (it prompts for the value, so the value stays out of shell history). */
export function setSecretCommand(path: string, stack?: string): string {
    const pathFlag = path.includes(".") ? "--path " : "";
    return `pulumi config set${stack ? ` --stack ${stack}` : ""} --secret ${pathFlag}'${NAMESPACE}:${path}'`;
}

/**
 * One line per secret given in clear. `isSecret(path)` says whether the value
 * at a path (e.g. `vpnPreSharedKeys.head-office`) came from a `secure:` value.
 */
export function clearTextSecretProblems(raw: Readonly<Record<string, unknown>>, isSecret: (path: string) => boolean, stack?: string): string[] {
    return secretKeysIn(raw)
        .filter((key) => !isSecret(key.path))
        .map((key) =>
            `${NAMESPACE}:${key.path}: ${key.what} is in clear text in the stack file, which gets committed; ` +
            `delete it from the file, choose a new one (this one has leaked if it was pushed) and store it encrypted with: ${setSecretCommand(key.path, stack)}`);
}
