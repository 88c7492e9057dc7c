/**
 * Reads a `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a
 * program: every value as a string (objects as JSON), `secure:` values as
 * secrets. Without the CLI there is no decryption here: each secret becomes
 * an opaque placeholder of a plausible length, so validation sees a present
 * secret and nothing can print its real value.
 */
import * as fs from "fs";
import * as YAML from "yaml";

export interface StackConfig {
    /** Full keys (`landing-zone:aws`) to string values, as the engine passes them. */
    config: Record<string, string>;
    /** Full keys whose value is (or contains) a secret. */
    secretKeys: string[];
    /** Every placeholder or decrypted secret value, so reports can redact them wherever they surface. */
    secretValues: string[];
}

export class StackFileError extends Error {}

/** A placeholder for a secret: long enough to pass length checks, never a real key. */
export function secretPlaceholder(index: number): string {
    return `planned-secret-placeholder-${String(index).padStart(4, "0")}`;
}

export function readStackFile(path: string): StackConfig {
    let text: string;
    try {
        text = fs.readFileSync(path, "utf8");
    } catch (err) {
        throw new StackFileError(`cannot read stack config ${path}: ${(err as Error).message}`);
    }
    let document: unknown;
    try {
        document = YAML.parse(text);
    } catch (err) {
        throw new StackFileError(`${path} is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
    const root = (document ?? {}) as { config?: Record<string, unknown> };
    if (typeof root !== "object" || (root.config !== undefined && (typeof root.config !== "object" || root.config === null))) {
        throw new StackFileError(`${path}: expected a top-level "config:" map`);
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const secretValues: string[] = [];
    for (const [key, value] of Object.entries(root.config ?? {})) {
        let containsSecret = false;
        const resolved = replaceSecure(value, () => {
            containsSecret = true;
            const placeholder = secretPlaceholder(secretValues.length);
            secretValues.push(placeholder);
            return placeholder;
        });
        config[key] = typeof resolved === "string" ? resolved : JSON.stringify(resolved);
        if (containsSecret) secretKeys.push(key);
    }
    return { config, secretKeys, secretValues };
}

/** Replaces every `{ secure: "..." }` in a config value with what `decrypt` returns. */
function replaceSecure(value: unknown, decrypt: (ciphertext: string) => string): unknown {
    if (Array.isArray(value)) return value.map((v) => replaceSecure(v, decrypt));
    if (value && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 1 && entries[0][0] === "secure" && typeof entries[0][1] === "string") {
            return decrypt(entries[0][1]);
        }
        return Object.fromEntries(entries.map(([k, v]) => [k, replaceSecure(v, decrypt)]));
    }
    return value;
}
