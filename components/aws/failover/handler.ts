/**
 * The Lambda entry point for the server tier's lifecycle hooks, delivered by
 * EventBridge. Never throws: every outcome is decided here (continue or
 * abandon), so a Lambda retry can only come from a timeout, and a retried
 * event resumes through the tags instead of repeating side effects.
 *
 * Bundled by ./bundle.ts; the Lambda's handler is `index.handler`.
 */
import type { Context, EventBridgeEvent } from "aws-lambda";
import { FailoverSettings, LAMBDA_MAX_TIMEOUT_SECONDS, LIFECYCLE, parseFailoverSettings } from "./contract";
import { LifecycleDetail, completeLifecycle, heartbeat } from "./actions";
import { HandlerResult, onLaunch } from "./launch";
import { ActionGone, Ctx, Logger, Runtime, defaultClients, errorMessage, jsonLogger } from "./runtime";
import { onTerminate } from "./terminate";

export type { HandlerResult, LaunchBranch } from "./launch";
export type { LifecycleDetail } from "./actions";

export const LAUNCH_DETAIL_TYPE = LIFECYCLE.launchDetailType;
export const TERMINATE_DETAIL_TYPE = LIFECYCLE.terminateDetailType;
export const LAUNCHING = LIFECYCLE.launching;
export const TERMINATING = LIFECYCLE.terminating;

export type LifecycleEvent = EventBridgeEvent<typeof LAUNCH_DETAIL_TYPE | typeof TERMINATE_DETAIL_TYPE, LifecycleDetail>;

/** Time kept back from the Lambda timeout to complete the lifecycle action after a wait gives up. */
export const RESERVE_MS = 20_000;

export interface HandlerOptions extends Partial<Runtime> {
    /** Defaults to process.env, read on the first invocation. */
    env?: Readonly<Record<string, string | undefined>>;
}

export function createHandler(opts: HandlerOptions = {}) {
    let base: Omit<Runtime, "log"> | undefined;
    let settings: FailoverSettings | undefined;

    return async function handle(
        event: LifecycleEvent,
        context?: Pick<Context, "getRemainingTimeInMillis">,
    ): Promise<HandlerResult> {
        const d = event.detail;
        const log: Logger = (level, msg, fields) =>
            (opts.log ?? jsonLogger)(level, msg, {
                instanceId: d?.EC2InstanceId,
                transition: d?.LifecycleTransition,
                token: d?.LifecycleActionToken,
                ...fields,
            });
        const transition = d?.LifecycleTransition;
        if (transition !== LAUNCHING && transition !== TERMINATING) {
            log("info", "ignored event", { detailType: event["detail-type"] });
            return { outcome: "NONE", reason: `not a lifecycle action (${String(transition)})` };
        }

        // Clients are made once per container, on the first event that needs them.
        base ??= {
            clients: opts.clients ?? defaultClients(),
            now: opts.now ?? (() => Date.now()),
            sleep: opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
            random: opts.random ?? Math.random,
        };
        const rt: Runtime = { ...base, log };

        try {
            settings ??= parseFailoverSettings(opts.env ?? process.env);
        } catch (err) {
            // Nothing can be done safely; let the group try again (or terminate) and say why.
            const reason = errorMessage(err);
            rt.log("error", "invalid handler settings", { reason });
            const result = transition === LAUNCHING ? "ABANDON" : "CONTINUE";
            await completeLifecycle(rt, d, result);
            return { outcome: result, reason };
        }

        const remaining = context?.getRemainingTimeInMillis() ?? LAMBDA_MAX_TIMEOUT_SECONDS * 1000;
        const ctx: Ctx = {
            ...rt,
            settings,
            deadline: rt.now() + remaining - RESERVE_MS,
            log: (level, msg, fields) => rt.log(level, msg, { tier: settings?.tierName, ...fields }),
        };
        try {
            await keepActionAlive(ctx, d, settings);
        } catch (err) {
            if (!(err instanceof ActionGone)) throw err;
            // Completed by a parallel delivery, timed out, or delivered too late: touching anything now could only do harm.
            ctx.log("warn", "lifecycle action no longer open; nothing done", { reason: err.message });
            return { outcome: "NONE", reason: err.message };
        }
        return transition === LAUNCHING ? onLaunch(ctx, d) : onTerminate(ctx, d);
    };
}

/**
 * Records a first heartbeat (which proves the action is still open, however
 * old the event) and from then on one whenever a third of the
 * HeartbeatTimeout has passed, during every wait. The deadline is the
 * earlier of the Lambda's end and the action's expiry, less time to
 * complete it: the action is always completed before its heartbeat runs out.
 */
async function keepActionAlive(ctx: Ctx, d: LifecycleDetail, settings: FailoverSettings): Promise<void> {
    const timeoutMs = settings.heartbeatTimeoutSeconds * 1000;
    const lambdaDeadline = ctx.deadline;
    const reserve = Math.min(RESERVE_MS, timeoutMs / 3);
    const every = Math.min(timeoutMs / 3, 300_000);
    let last = ctx.now();
    // Until the first heartbeat returns, the action may expire at any time: bound this one call by it.
    ctx.deadline = Math.min(lambdaDeadline, last + timeoutMs - reserve);
    await heartbeat(ctx, d);
    ctx.deadline = Math.min(lambdaDeadline, last + timeoutMs - reserve);
    ctx.keepAlive = async () => {
        const now = ctx.now();
        if (now - last < every) return;
        await heartbeat(ctx, d);
        last = now;
        ctx.deadline = Math.min(lambdaDeadline, last + timeoutMs - reserve);
    };
}

export const handler = createHandler();
