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
    /** Epoch ms after which no wait may run: the Lambda's end minus time to complete the lifecycle action. */
    deadline: number;
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

// ── retry ──────────────────────────────────────────────────────────────────

export const RETRY = { attempts: 8, baseMs: 250, capMs: 20_000 } as const;

/** Any SDK v3 client; the command decides the output type. */
interface Sender {
    send(command: never): Promise<unknown>;
}

/** The output type of an SDK v3 command, read off its middleware handler. */
export type OutputOf<C> = C extends { resolveMiddleware(...args: never[]): (...a: never[]) => Promise<{ output: infer O }> }
    ? O
    : never;

/**
 * Sends a command, retrying throttling with capped exponential backoff
 * (jittered between half and all of the step). Other errors surface at once:
 * the caller decides what they mean. (The SDK's own retries, for network
 * errors and 5xx, still run inside each attempt.)
 */
export async function send<C extends object>(rt: Runtime, client: Sender, command: C): Promise<OutputOf<C>> {
    for (let attempt = 1; ; attempt++) {
        try {
            return (await client.send(command as never)) as OutputOf<C>;
        } catch (err) {
            if (!isThrottling(err) || attempt >= RETRY.attempts) throw err;
            const ceiling = Math.min(RETRY.capMs, RETRY.baseMs * 2 ** (attempt - 1));
            const delay = Math.round(ceiling * (0.5 + rt.random() / 2));
            rt.log("warn", "throttled, backing off", {
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
    const until = Math.min(ctx.now() + timeoutMs, ctx.deadline);
    // Also bounded by a poll count, in case a clock does not advance.
    const maxPolls = Math.ceil(Math.max(0, until - ctx.now()) / intervalMs) + 2;
    for (let polls = 1; ; polls++) {
        const r = await check();
        if (r.done) return r.value;
        const left = until - ctx.now();
        if (left <= 0 || polls >= maxPolls) throw new WaitTimeout(what, r.why);
        await ctx.sleep(Math.min(intervalMs, left));
    }
}

export const POLL_MS = { volume: 3_000, snapshot: 10_000, instance: 3_000 } as const;
