/**
 * Is a `secure:` value well-formed ciphertext? The Pulumi CLI would fail on
 * a made-up one only when it decrypts (at `pulumi up`), while the offline
 * plan, which cannot decrypt without the key, would plan it as a present
 * secret. Two formats exist:
 * - the passphrase provider (a stack file with `encryptionsalt`):
 *   `v1:<base64 12-byte nonce>:<base64 AES-256-GCM ciphertext + 16-byte tag>`;
 * - the Pulumi Cloud and cloud-KMS providers: one base64 blob (nonce,
 *   ciphertext and tag: at least 28 bytes).
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const decodedLength = (text: string): number | undefined => (text.length > 0 && BASE64.test(text) ? Buffer.from(text, "base64").length : undefined);

/** Why `value` is not a `secure:` ciphertext, or undefined when it is one. */
export function secureValueProblem(value: unknown, passphraseStack: boolean): string | undefined {
    if (typeof value !== "string") return `a secure: value must be a ciphertext string, not ${value === null ? "null" : typeof value}`;
    const parts = value.split(":");
    if (parts[0] === "v1" && parts.length === 3) {
        const nonce = decodedLength(parts[1]);
        const body = decodedLength(parts[2]);
        if (nonce === NONCE_BYTES && body !== undefined && body >= TAG_BYTES) return undefined;
        return "malformed secure: value (v1:<base64 12-byte nonce>:<base64 ciphertext>); it was not written by pulumi config set --secret";
    }
    if (passphraseStack) return "malformed secure: value for a passphrase stack (expected v1:<nonce>:<ciphertext>); it was not written by pulumi config set --secret";
    const length = decodedLength(value);
    if (length !== undefined && length >= NONCE_BYTES + TAG_BYTES) return undefined;
    return "malformed secure: value (neither v1:<nonce>:<ciphertext> nor a base64 ciphertext); it was not written by pulumi config set --secret";
}
