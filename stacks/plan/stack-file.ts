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
import { secureValueProblem } from "./secure-value";

export interface StackConfig {
    /** Full keys (`landing-zone:aws`) to string values, as the engine passes them. */
    config: Record<string, string>;
    /** Full keys whose value is (or contains) a secret. */
    secretKeys: string[];
    /** Every placeholder or decrypted secret value, so reports can redact them wherever they surface. */
    secretValues: string[];
    /** Where each secret sits: the full key, then `.`-separated object keys (`landing-zone:vpnPreSharedKeys.head-office`). */
    secretPaths: string[];
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
    const passphraseStack = typeof root.encryptionsalt === "string";
    // Malformed ciphertext is refused before anything else, all of it at once.
    const malformed: string[] = [];
    for (const [key, value] of Object.entries(root.config ?? {})) {
        replaceSecure(value, key, (ciphertext, at) => {
            const problem = secureValueProblem(ciphertext, passphraseStack);
            if (problem) malformed.push(`${at}: ${problem}`);
            return "";
        });
    }
    if (malformed.length > 0) throw new StackFileError(malformed.map((line) => `${line} (in ${path})`).join("\n"));

    let crypter: PassphraseCrypter | undefined;
    if (passphrase !== undefined && passphraseStack) {
        try {
            crypter = PassphraseCrypter.open(passphrase, root.encryptionsalt as string);
        } catch (err) {
            if (err instanceof PassphraseError) throw new StackFileError(`${path}: ${err.message}`);
            throw err;
        }
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const secretValues: string[] = [];
    const secretPaths: string[] = [];
    for (const [key, value] of Object.entries(root.config ?? {})) {
        let containsSecret = false;
        const resolved = replaceSecure(value, key, (ciphertext, at) => {
            containsSecret = true;
            secretPaths.push(at);
            let plaintext: string;
            try {
                plaintext = crypter ? crypter.decrypt(ciphertext as string) : secretPlaceholder(secretValues.length);
            } catch (err) {
                throw new StackFileError(`${path}: ${key}: ${(err as Error).message}`);
            }
            secretValues.push(plaintext);
            return plaintext;
        });
        config[key] = typeof resolved === "string" ? resolved : JSON.stringify(resolved);
        if (containsSecret) secretKeys.push(key);
    }
    // A passphrase only opens a passphrase stack; silently planning placeholders instead would hide the mistake.
    // An empty one is what CI passes when no passphrase secret is configured: that is "none".
    if (passphrase && !passphraseStack && secretPaths.length > 0) {
        throw new StackFileError(
            `${path}: a passphrase is set (PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE) but the file has no encryptionsalt, ` +
            `so its secure: values were not encrypted with a passphrase; unset the passphrase to plan with placeholders, ` +
            `or move the stack to the passphrase provider (pulumi stack change-secrets-provider passphrase)`);
    }
    return { config, secretKeys, secretValues, secretPaths };
}

/**
 * Replaces every `{ secure: ... }` in a config value with what `decrypt`
 * returns; `at` is the value's path (the key, then `.`-joined object keys, `[i]` for list items).
 */
function replaceSecure(value: unknown, at: string, decrypt: (ciphertext: unknown, at: string) => string): unknown {
    if (Array.isArray(value)) return value.map((v, i) => replaceSecure(v, `${at}[${i}]`, decrypt));
    if (value && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 1 && entries[0][0] === "secure") return decrypt(entries[0][1], at);
        return Object.fromEntries(entries.map(([k, v]) => [k, replaceSecure(v, `${at}.${k}`, decrypt)]));
    }
    return value;
}
