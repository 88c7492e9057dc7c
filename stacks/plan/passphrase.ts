/**
 * Pulumi's passphrase secrets provider, offline: the stack file's
 * `encryptionsalt` is "v1:<base64 salt>:<the word 'pulumi' encrypted>", the
 * key is PBKDF2-HMAC-SHA256(passphrase, salt, 1,000,000 iterations, 32 bytes)
 * and each `secure:` value is "v1:<base64 12-byte nonce>:<base64 AES-256-GCM
 * ciphertext followed by its 16-byte tag>". The passphrase comes the way the
 * CLI takes it: PULUMI_CONFIG_PASSPHRASE, or a file named by
 * PULUMI_CONFIG_PASSPHRASE_FILE.
 */
import { createCipheriv, createDecipheriv, createHash, pbkdf2Sync, randomBytes } from "crypto";
import * as fs from "fs";

export const PULUMI_PBKDF2_ITERATIONS = 1_000_000;
const VERIFIER = "pulumi";
const TAG_BYTES = 16;

export class PassphraseError extends Error {}

export class PassphraseCrypter {
    private constructor(private readonly key: Buffer, readonly encryptionSalt: string) {}

    /** Opens a stack's secrets with its `encryptionsalt`; throws PassphraseError on a wrong passphrase. */
    static open(passphrase: string, encryptionSalt: string, iterations = PULUMI_PBKDF2_ITERATIONS): PassphraseCrypter {
        const parts = encryptionSalt.split(":");
        if (parts.length !== 5 || parts[0] !== "v1") throw new PassphraseError(`malformed encryptionsalt (expected v1:<salt>:v1:<nonce>:<ciphertext>)`);
        const salt = Buffer.from(parts[1], "base64");
        const crypter = new PassphraseCrypter(deriveKey(passphrase, salt, iterations), encryptionSalt);
        let verified: string | undefined;
        try {
            verified = crypter.decrypt(parts.slice(2).join(":"));
        } catch {
            verified = undefined;
        }
        if (verified !== VERIFIER) throw new PassphraseError("incorrect passphrase for this stack's encryptionsalt");
        return crypter;
    }

    /** A new salt and crypter, as `pulumi stack init --secrets-provider passphrase` makes. */
    static create(passphrase: string, iterations = PULUMI_PBKDF2_ITERATIONS): PassphraseCrypter {
        const salt = randomBytes(8);
        const bare = new PassphraseCrypter(deriveKey(passphrase, salt, iterations), "");
        return new PassphraseCrypter(bare.key, `v1:${salt.toString("base64")}:${bare.encrypt(VERIFIER)}`);
    }

    encrypt(plaintext: string): string {
        const nonce = randomBytes(12);
        const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
        const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
        return `v1:${nonce.toString("base64")}:${body.toString("base64")}`;
    }

    decrypt(ciphertext: string): string {
        const parts = ciphertext.split(":");
        if (parts.length !== 3 || parts[0] !== "v1") throw new PassphraseError("malformed secure value (expected v1:<nonce>:<ciphertext>)");
        const nonce = Buffer.from(parts[1], "base64");
        const body = Buffer.from(parts[2], "base64");
        if (body.length < TAG_BYTES) throw new PassphraseError("secure value too short to carry its tag");
        const decipher = createDecipheriv("aes-256-gcm", this.key, nonce);
        decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
        try {
            return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString("utf8");
        } catch {
            throw new PassphraseError("a secure value does not decrypt with this passphrase");
        }
    }
}

/**
 * A million PBKDF2 rounds take a quarter of a second; one process (a plan,
 * a test run) derives each stack's key once. Keyed by a hash, so the
 * passphrase itself is not kept.
 */
const derivedKeys = new Map<string, Buffer>();

function deriveKey(passphrase: string, salt: Buffer, iterations: number): Buffer {
    const id = createHash("sha256").update(passphrase).update("\0").update(salt).update(`\0${iterations}`).digest("hex");
    let key = derivedKeys.get(id);
    if (!key) {
        key = pbkdf2Sync(passphrase, salt, iterations, 32, "sha256");
        derivedKeys.set(id, key);
    }
    return key;
}

/** The passphrase as the Pulumi CLI reads it from the environment, if any. */
export function passphraseFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
    if (env.PULUMI_CONFIG_PASSPHRASE_FILE) {
        try {
            return fs.readFileSync(env.PULUMI_CONFIG_PASSPHRASE_FILE, "utf8").replace(/\r?\n$/, "");
        } catch (err) {
            throw new PassphraseError(`cannot read PULUMI_CONFIG_PASSPHRASE_FILE: ${(err as Error).message}`);
        }
    }
    return undefined;
}
