/**
 * Pre-shared keys for the AWS ↔ Azure tunnels, derived from one secret seed.
 * Pure: no Pulumi imports; callers run it inside an apply on the secret seed,
 * so the keys stay secrets.
 *
 * Why derive: four tunnels need four keys that both clouds agree on, and AWS
 * accepts only 8–64 characters of letters, digits, "." and "_", not starting
 * with "0". An HMAC of the seed and the tunnel's name meets that for any seed,
 * keeps one secret to rotate, and changes every key when the seed changes.
 */
import { createHmac } from "crypto";

/** Length of a derived key: within AWS's 8–64 and long enough to carry 188 bits. */
export const TUNNEL_KEY_LENGTH = 48;

/** The pre-shared key of one tunnel: "k" + 47 hex digits of HMAC-SHA256(seed, scope/tunnel). */
export function deriveTunnelKey(seed: string, scope: string, tunnelName: string): string {
    if (seed.length === 0) throw new Error("the tunnel key seed is empty");
    const digest = createHmac("sha256", seed).update(`landing-zone/cross-cloud/${scope}/${tunnelName}`).digest("hex");
    // A letter first: AWS rejects keys that start with "0".
    return `k${digest.slice(0, TUNNEL_KEY_LENGTH - 1)}`;
}

/** True when AWS accepts the string as a tunnel pre-shared key. */
export function isValidAwsTunnelKey(key: string): boolean {
    return /^[A-Za-z0-9._]{8,64}$/.test(key) && !key.startsWith("0");
}
