/**
 * What the handler runs on: the AWS clients, a clock, a sleep and a logger,
 * all injectable so tests run a 15-minute failover in milliseconds. Plus the
 * two loops every step uses: retry on throttling, and a bounded wait.
 */
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { EC2Client } from "@aws-sdk/client-ec2";
import { Route53Client } from "@aws-sdk/client-route-53";
import { SNSClient } from "@aws-sdk/client-sns";
import type { FailoverSettings } from "./contract";

export interface Clients {
    ec2: EC2Client;
    autoscaling: AutoScalingClient;
    route53: Route53Client;
    sns: SNSClient;
}

export type LogFields = Record<string, unknown>;
export type Logger = (level: "info" | "warn" | "error", msg: string, fields?: LogFields) => void;

export interface Runtime {
    clients: Clients;
    /** Epoch milliseconds. */
    now: () => number;
    sleep: (ms: number) => Promise<void>;
    /** In [0, 1): backoff jitter. */
    random: () => number;
    log: Logger;
}

/** One invocation: the runtime, the settings, and when the Lambda will be killed. */
export interface Ctx extends Runtime {
    settings: FailoverSettings;
    /**
     * Epoch ms after which no wait may run: the earlier of the Lambda's end
     * and the lifecycle action's heartbeat expiry, minus the time to complete
     * the action. Moved forward by keepAlive.
     */
    deadline: number;
    /** Called between polls: records a lifecycle heartbeat when one is due (and moves the deadline). */
    keepAlive?: () => Promise<void>;
}

export function defaultClients(): Clients {
    return {
        ec2: new EC2Client({}),
        autoscaling: new AutoScalingClient({}),
        route53: new Route53Client({}),
        sns: new SNSClient({}),
    };
}

/** One JSON object per line, so CloudWatch Logs Insights can filter on fields. */
export const jsonLogger: Logger = (level, msg, fields) => {
    const line = JSON.stringify({ level, msg, ...fields });
    if (level === "error") console.error(line);
    else console.log(line);
};

// ── errors ─────────────────────────────────────────────────────────────────

export function errorCode(err: unknown): string {
    if (typeof err === "object" && err !== null) {
        const e = err as { name?: unknown; Code?: unknown; code?: unknown };
        for (const c of [e.Code, e.code, e.name]) if (typeof c === "string" && c !== "Error") return c;
    }
    return "Unknown";
}

export function errorMessage(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

const THROTTLING = new Set([
    "RequestLimitExceeded",
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    // Route 53's "slow down": a change to the zone is still propagating.
    "PriorRequestNotComplete",
]);

export function isThrottling(err: unknown): boolean {
    return THROTTLING.has(errorCode(err));
}

/** EC2 is eventually consistent: a resource just created may not be visible yet. */
export async function notFoundAsUndefined<T>(p: Promise<T>): Promise<T | undefined> {
    try {
        return await p;
    } catch (err) {
        if (errorCode(err).endsWith(".NotFound")) return undefined;
        throw err;
    }
}

/**
 * The handler refuses on purpose (data would be lost or it cannot be done
 * safely): the launch is abandoned with this reason.
 */
export class Refusal extends Error {
    constructor(message: string, readonly fields: LogFields = {}) {
        super(message);
        this.name = "Refusal";
    }
}

// ── retry ──────────────────────────────────────────────────────────────

/** Backoff steps; the number of attempts is bounded by the invocation's deadline, not a count. */
export const RETRY = { baseMs: 250, capMs: 20_000, maxAttempts: 60 } as const;

/**
 * Errors worth retrying: throttling, EC2's transient 5xx, and a response lost
 * on the way back (the call may have been applied: every caller is
 * idempotent or re-reads before repeating a create).
 */
const TRANSIENT = new Set(["InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable", "TimeoutError", "NetworkingError", "ECONNRESET", "RequestTimeout"]);
/** "Wait at least 15 seconds between concurrent volume snapshots" (EC2 error reference). */
const SNAPSHOT_RATE = "SnapshotCreationPerVolumeRateExceeded";

export function isRetryable(err: unknown): boolean {
    const code = errorCode(err);
    return isThrottling(err) || TRANSIENT.has(code) || code === SNAPSHOT_RATE;
}

/** Any SDK v3 client; the command decides the output type. */
interface Sender {
    send(command: never): Promise<unknown>;
}

/** The output type of an SDK v3 command, read off its middleware handler. */
export type OutputOf<C> = C extends { resolveMiddleware(...args: never[]): (...a: never[]) => Promise<{ output: infer O }> }
    ? O
    : never;

/**
 * Sends a command, retrying throttling, transient server errors and lost
 * responses with capped, jittered exponential backoff, for as long as the
 * invocation's deadline allows (a throttling storm does not exhaust a fixed
 * count with most of the time left, and no backoff sleeps past the deadline).
 * Other errors surface at once: the caller decides what they mean.
 */
export async function send<C extends object>(
    rt: Runtime & { deadline?: number },
    client: Sender,
    command: C,
    /**
     * For a create without a client token (CreateSnapshot): after an error
     * that may hide an applied call (a lost response, a transient 5xx), finds
     * what the call made, so the retry does not make a second one.
     */
    findApplied?: () => Promise<OutputOf<C> | undefined>,
): Promise<OutputOf<C>> {
    let mayHaveApplied = false;
    for (let attempt = 1; ; attempt++) {
        try {
            const applied = mayHaveApplied && findApplied ? await findApplied() : undefined;
            if (applied !== undefined) return applied;
            return (await client.send(command as never)) as OutputOf<C>;
        } catch (err) {
            mayHaveApplied ||= TRANSIENT.has(errorCode(err));
            if (!isRetryable(err) || attempt >= RETRY.maxAttempts) throw err;
            const ceiling = Math.min(RETRY.capMs, RETRY.baseMs * 2 ** Math.min(attempt - 1, 16));
            const floor = errorCode(err) === SNAPSHOT_RATE ? 15_000 : 0;
            const delay = Math.max(floor, Math.round(ceiling * (0.5 + rt.random() / 2)));
            const deadline = rt.deadline ?? Infinity;
            if (rt.now() + delay > deadline) throw err;
            rt.log("warn", "retrying", {
                command: (command as { constructor?: { name?: string } }).constructor?.name,
                code: errorCode(err),
                attempt,
                delayMs: delay,
            });
            await rt.sleep(delay);
        }
    }
}

// ── bounded waits ──────────────────────────────────────────────────────────

export type Poll<T> = { done: true; value: T } | { done: false; why: string };

/** The lifecycle action is no longer open (completed by a parallel delivery, or timed out): nothing more to do. */
export class ActionGone extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ActionGone";
    }
}

export class WaitTimeout extends Error {
    constructor(
        readonly what: string,
        readonly lastState: string,
    ) {
        super(`timed out waiting for ${what} (last state: ${lastState})`);
        this.name = "WaitTimeout";
    }
}

/**
 * Polls until `check` says done, for at most `timeoutMs` and never past the
 * invocation's deadline. `check` may throw to stop early (e.g. a state that can
 * never become ready).
 */
export async function waitFor<T>(
    ctx: Ctx,
    what: string,
    timeoutMs: number,
    intervalMs: number,
    check: () => Promise<Poll<T>>,
): Promise<T> {
    // The deadline may move forward while waiting (heartbeats); the wait's own bound does not.
    const until = ctx.now() + timeoutMs;
    // Also bounded by a poll count, in case a clock does not advance.
    const maxPolls = Math.ceil(Math.max(0, timeoutMs) / intervalMs) + 2;
    for (let polls = 1; ; polls++) {
        const r = await check();
        if (r.done) return r.value;
        await ctx.keepAlive?.();
        const left = Math.min(until, ctx.deadline) - ctx.now();
        if (left <= 0 || polls >= maxPolls) throw new WaitTimeout(what, r.why);
        await ctx.sleep(Math.min(intervalMs, left));
    }
}

export const POLL_MS = { volume: 3_000, snapshot: 10_000, instance: 3_000 } as const;
