/**
 * Reads a `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a
 * program: every value as a string (objects as JSON), `secure:` values as
 * secrets. With the stack's passphrase (PULUMI_CONFIG_PASSPHRASE or
 * PULUMI_CONFIG_PASSPHRASE_FILE) and its `encryptionsalt`, secrets are
 * decrypted as the CLI would; without, each becomes an opaque placeholder,
 * so validation sees a present secret. Either way every secret value is
 * listed in `secretValues` so reports can redact it wherever it surfaces.
 */
import * as fs from "fs";
import * as YAML from "yaml";
import { closest } from "../../components/catalogue/suggest";
import { PassphraseCrypter, PassphraseError, passphraseFromEnvironment } from "./passphrase";

export interface StackConfig {
    /** Full keys (`landing-zone:aws`) to string values, as the engine passes them. */
    config: Record<string, string>;
    /** Full keys whose value is (or contains) a secret. */
    secretKeys: string[];
    /** Every placeholder or decrypted secret value, so reports can redact them wherever they surface. */
    secretValues: string[];
}

export class StackFileError extends Error {}

/** The top-level keys of a Pulumi stack settings file (Pulumi's ProjectStack: config, environment, secrets provider settings). */
export const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"];

/** A placeholder for a secret: long enough to pass length checks, never a real key. */
export function secretPlaceholder(index: number): string {
    return `planned-secret-placeholder-${String(index).padStart(4, "0")}`;
}

export function readStackFile(path: string, passphrase: string | undefined = passphraseFromEnvironment()): StackConfig {
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
    const root = (document ?? {}) as { config?: Record<string, unknown>; encryptionsalt?: unknown };
    if (typeof root !== "object" || (root.config !== undefined && (typeof root.config !== "object" || root.config === null))) {
        throw new StackFileError(`${path}: expected a top-level "config:" map`);
    }
    // A misspelt `config:` would otherwise leave the config empty and report every required key missing.
    for (const topKey of Object.keys(root)) {
        if (!STACK_FILE_KEYS.includes(topKey)) {
            const guess = closest(topKey, STACK_FILE_KEYS);
            throw new StackFileError(`${path}: ${topKey}: unknown top-level key${guess ? `; did you mean "${guess}"?` : ""} (a stack file has ${STACK_FILE_KEYS.join(", ")})`);
        }
    }
    let crypter: PassphraseCrypter | undefined;
    if (passphrase !== undefined && typeof root.encryptionsalt === "string") {
        try {
            crypter = PassphraseCrypter.open(passphrase, root.encryptionsalt);
        } catch (err) {
            if (err instanceof PassphraseError) throw new StackFileError(`${path}: ${err.message}`);
            throw err;
        }
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const secretValues: string[] = [];
    for (const [key, value] of Object.entries(root.config ?? {})) {
        let containsSecret = false;
        const resolved = replaceSecure(value, (ciphertext) => {
            containsSecret = true;
            let plaintext: string;
            try {
                plaintext = crypter ? crypter.decrypt(ciphertext) : secretPlaceholder(secretValues.length);
            } catch (err) {
                throw new StackFileError(`${path}: ${key}: ${(err as Error).message}`);
            }
            secretValues.push(plaintext);
            return plaintext;
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
