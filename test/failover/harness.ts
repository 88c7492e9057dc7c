/**
 * Test wiring: a fake AWS behind aws-sdk-client-mock, a handler whose clock
 * and sleep are the fake's, and helpers to build lifecycle events and to
 * count the calls made.
 */
import { ENV, ROLE_DATA, TAG, VOLUME_STATE } from "../../components/aws/failover/contract";
import {
    HandlerResult,
    LAUNCHING,
    LAUNCH_DETAIL_TYPE,
    LifecycleEvent,
    TERMINATE_DETAIL_TYPE,
    TERMINATING,
    createHandler,
} from "../../components/aws/failover/handler";
import { LogFields } from "../../components/aws/failover/runtime";
import { FVolume, FakeAws, FakeOptions, HOUR, Mocks, directClients, installFake, restoreMocks } from "./fake-aws";

export const TIER = "app-dev";
export const GROUP = "app-dev-asg";
export const HOOK_LAUNCH = "app-dev-launch";
export const HOOK_TERMINATE = "app-dev-terminate";

export const BASE_ENV: Record<string, string> = {
    [ENV.tierName]: TIER,
    [ENV.volumeSizeGiB]: "20",
    [ENV.elasticIpAllocationId]: "eipalloc-0abc",
    [ENV.hostedZoneId]: "/hostedzone/Z0123456789ABC",
    [ENV.recordName]: "app.example.com",
    [ENV.snsTopicArn]: "arn:aws:sns:eu-west-1:123456789012:app-dev-alerts",
};

export interface LogLine {
    level: string;
    msg: string;
    fields: LogFields;
}

export interface World {
    fake: FakeAws;
    /** Only when plugged in with aws-sdk-client-mock (the default). */
    mocks: Mocks;
    logs: LogLine[];
    sleeps: number[];
    /** `remainingMs`: what the Lambda context says is left of the invocation (default: the full 900 s). */
    handle: (event: LifecycleEvent, remainingMs?: number) => Promise<HandlerResult>;
    launch: (instanceId: string, token?: string) => Promise<HandlerResult>;
    terminate: (instanceId: string, token?: string) => Promise<HandlerResult>;
    launchEvent: (instanceId: string, token: string) => LifecycleEvent;
    close: () => void;
}

export function event(transition: string, instanceId: string, token: string): LifecycleEvent {
    const launching = transition === LAUNCHING;
    return {
        version: "0",
        id: `evt-${token}`,
        "detail-type": launching ? LAUNCH_DETAIL_TYPE : TERMINATE_DETAIL_TYPE,
        source: "aws.autoscaling",
        account: "123456789012",
        time: "2030-01-01T00:00:00Z",
        region: "eu-west-1",
        resources: [`arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:x:autoScalingGroupName/${GROUP}`],
        detail: {
            LifecycleActionToken: token,
            AutoScalingGroupName: GROUP,
            LifecycleHookName: launching ? HOOK_LAUNCH : HOOK_TERMINATE,
            EC2InstanceId: instanceId,
            LifecycleTransition: transition,
        },
    };
}

export function world(
    opts: { env?: Record<string, string | undefined>; fake?: FakeOptions; plug?: "mock" | "direct" } = {},
): World {
    const fake = new FakeAws(opts.fake);
    const direct = opts.plug === "direct";
    const mocks = direct ? (undefined as unknown as Mocks) : installFake(fake);
    const logs: LogLine[] = [];
    const sleeps: number[] = [];
    const env = { ...BASE_ENV, ...opts.env };
    const h = createHandler({
        ...(direct ? { clients: directClients(fake) } : {}),
        env,
        now: () => fake.now,
        sleep: async (ms) => {
            sleeps.push(ms);
            await fake.sleep(ms);
        },
        random: () => 0.5,
        log: (level, msg, fields = {}) => logs.push({ level, msg, fields }),
    });
    const handle = (e: LifecycleEvent, remainingMs?: number) =>
        h(e, remainingMs === undefined ? undefined : { getRemainingTimeInMillis: () => remainingMs });
    return {
        fake,
        mocks,
        logs,
        sleeps,
        handle,
        launchEvent: (id, token) => event(LAUNCHING, id, token),
        launch: (id, token = fake.openLifecycleAction(id)) => handle(event(LAUNCHING, id, token)),
        terminate: (id, token = fake.openLifecycleAction(id, "terminate")) => handle(event(TERMINATING, id, token)),
        close: () => {
            if (!direct) restoreMocks(mocks);
        },
    };
}

export const dataTags = (extra: Record<string, string> = {}) => ({
    [TAG.tier]: TIER,
    [TAG.role]: ROLE_DATA,
    ...extra,
});

export const activeVolumeTags = (extra: Record<string, string> = {}) =>
    dataTags({ [TAG.state]: VOLUME_STATE.active, [TAG.backup]: TIER, ...extra });

/** The live volume of a tier in the shape a previous instance `holder` left it (tagged, not attached). */
export function liveVolume(w: World, az: string, holder = "i-old", history = [1, 2, 3]): FVolume {
    return w.fake.addVolume({
        az,
        history,
        createTime: w.fake.now - 48 * HOUR,
        tags: activeVolumeTags({ [TAG.lastAttachedInstanceId]: holder, [TAG.sequence]: "2" }),
    });
}

/** Names of the commands sent, in order, across all clients (as seen by aws-sdk-client-mock). */
export function commandLog(m: Mocks): string[] {
    const calls = [
        ...m.ec2.calls(),
        ...m.autoscaling.calls(),
        ...m.route53.calls(),
        ...m.sns.calls(),
    ] as unknown as { args: [object]; callId: number }[];
    return calls
        .sort((a, b) => a.callId - b.callId)
        .map((c) => c.args[0].constructor.name.replace(/Command$/, ""));
}

export function countBy(names: string[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const n of names) out[n] = (out[n] ?? 0) + 1;
    return out;
}
