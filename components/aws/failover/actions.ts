/**
 * The AWS side effects, one small function each, every one retried on
 * throttling and (where the API allows) idempotent.
 */
import { CompleteLifecycleActionCommand, RecordLifecycleActionHeartbeatCommand } from "@aws-sdk/client-auto-scaling";
import {
    AttachVolumeCommand,
    CreateSnapshotCommand,
    CreateTagsCommand,
    CreateVolumeCommand,
    DeleteTagsCommand,
    DeleteVolumeCommand,
    DescribeInstancesCommand,
    Instance,
    SnapshotState,
} from "@aws-sdk/client-ec2";
import { PublishCommand } from "@aws-sdk/client-sns";
import { ROLE_DATA, TAG, VOLUME_STATE } from "./contract";
import { DataSnapshot, DataVolume, describeSnapshot, describeVolume, listDataSnapshots, tagMap, toTags } from "./inventory";
import { ActionGone, Ctx, LogFields, POLL_MS, Refusal, Runtime, errorCode, errorMessage, notFoundAsUndefined, send, waitFor } from "./runtime";

export interface LifecycleDetail {
    LifecycleActionToken: string;
    AutoScalingGroupName: string;
    LifecycleHookName: string;
    EC2InstanceId: string;
    LifecycleTransition: string;
    NotificationMetadata?: string;
}

// ── instances ──────────────────────────────────────────────────────────────

export interface InstanceInfo {
    id: string;
    az: string;
    state: string;
    publicIpv4?: string;
    ipv6?: string;
    tags: Record<string, string>;
}

export function toInstanceInfo(i: Instance): InstanceInfo {
    const eni = i.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0) ?? i.NetworkInterfaces?.[0];
    const v6 = eni?.Ipv6Addresses?.find((a) => a.IsPrimaryIpv6) ?? eni?.Ipv6Addresses?.[0];
    const ipv6 = i.Ipv6Address ?? v6?.Ipv6Address;
    return {
        id: i.InstanceId ?? "",
        az: i.Placement?.AvailabilityZone ?? "",
        state: i.State?.Name ?? "unknown",
        ...(i.PublicIpAddress !== undefined ? { publicIpv4: i.PublicIpAddress } : {}),
        ...(ipv6 !== undefined ? { ipv6 } : {}),
        tags: tagMap(i.Tags),
    };
}

export async function describeInstance(ctx: Ctx, id: string): Promise<InstanceInfo | undefined> {
    const r = await notFoundAsUndefined(send(ctx, ctx.clients.ec2, new DescribeInstancesCommand({ InstanceIds: [id] })));
    const i = r?.Reservations?.[0]?.Instances?.[0];
    return i === undefined ? undefined : toInstanceInfo(i);
}

/** AttachVolume needs a running instance; a launching one may still be pending. */
export async function waitInstanceRunning(ctx: Ctx, id: string): Promise<InstanceInfo> {
    return waitFor(ctx, `instance ${id} running`, ctx.settings.volumeWaitTimeoutSeconds * 1000, POLL_MS.instance, async () => {
        const i = await describeInstance(ctx, id);
        if (i === undefined) return { done: false, why: "not visible yet" };
        if (i.state === "running") return { done: true, value: i };
        if (i.state !== "pending") throw new Refusal(`instance ${id} is ${i.state}, not launching`);
        return { done: false, why: i.state };
    });
}

// ── volumes ────────────────────────────────────────────────────────────────

/** What a launch knows about the copy it makes: where its data comes from and its place in the lineage. */
export interface NewCopy {
    az: string;
    instanceId: string;
    token: string;
    origin: string;
    /** The snapshot it is made from (none: the very first, empty volume). */
    snapshot?: DataSnapshot;
    /** The copy it will replace, if any. */
    parent?: DataVolume;
    /** Its sequence in the lineage (parent's + 1; 1 for the first). */
    sequence: number;
    /** Distinguishes a retry after an earlier copy for this instance failed (a fresh client token). */
    attempt: number;
}

/**
 * Tags on every data volume the handler creates. It starts `pending` and
 * without the DLM tag: it becomes the live copy only when committed.
 */
function newVolumeTags(ctx: Ctx, c: NewCopy) {
    const tier = ctx.settings.tierName;
    return toTags({
        Name: `${tier}-data`,
        [TAG.tier]: tier,
        [TAG.role]: ROLE_DATA,
        [TAG.state]: VOLUME_STATE.pending,
        [TAG.instanceId]: c.instanceId,
        [TAG.lifecycleToken]: c.token,
        [TAG.origin]: c.origin,
        [TAG.sequence]: String(c.sequence),
        [TAG.dataAsOf]: new Date(c.snapshot?.startTime ?? ctx.now()).toISOString(),
        ...(c.snapshot !== undefined ? { [TAG.sourceSnapshotId]: c.snapshot.id } : {}),
        ...(c.parent !== undefined ? { [TAG.parentVolumeId]: c.parent.id } : {}),
    });
}

/**
 * Creates this launch's data volume (empty, or from a snapshot). The client
 * token is the instance id (and attempt), so a retried or concurrent
 * duplicate gets the same volume back instead of a second one.
 */
export async function createDataVolume(ctx: Ctx, c: NewCopy): Promise<DataVolume> {
    const v = ctx.settings.volume;
    const r = await send(
        ctx,
        ctx.clients.ec2,
        new CreateVolumeCommand({
            AvailabilityZone: c.az,
            // A volume cannot be smaller than its snapshot.
            Size: Math.max(v.sizeGiB, c.snapshot?.sizeGiB ?? 0),
            VolumeType: v.type,
            ...(v.iops !== undefined ? { Iops: v.iops } : {}),
            ...(v.throughputMiBps !== undefined ? { Throughput: v.throughputMiBps } : {}),
            Encrypted: true,
            ...(v.kmsKeyId !== undefined ? { KmsKeyId: v.kmsKeyId } : {}),
            ...(c.snapshot !== undefined ? { SnapshotId: c.snapshot.id } : {}),
            ClientToken: `lz-data-${c.instanceId}${c.attempt > 0 ? `-${c.attempt}` : ""}`,
            TagSpecifications: [{ ResourceType: "volume", Tags: newVolumeTags(ctx, c) }],
        }),
    );
    ctx.log("info", "data volume created", { volumeId: r.VolumeId, az: c.az, origin: c.origin, snapshotId: c.snapshot?.id });
    return waitVolumeAvailable(ctx, r.VolumeId ?? "");
}

/** A copy that failed while being created (state error): it holds nothing and can go. */
export class VolumeFailed extends Error {
    constructor(readonly volumeId: string) {
        super(`volume ${volumeId} failed while being created (state error)`);
        this.name = "VolumeFailed";
    }
}

/** Deletes a copy this handler made that never became live (its data is its source snapshot's). Best effort. */
export async function deleteUnusedCopy(ctx: Ctx, v: DataVolume, why: string): Promise<boolean> {
    try {
        await send(ctx, ctx.clients.ec2, new DeleteVolumeCommand({ VolumeId: v.id }));
        ctx.log("info", "unused copy deleted", { volumeId: v.id, why });
        return true;
    } catch (err) {
        ctx.log("warn", "could not delete unused copy", { volumeId: v.id, code: errorCode(err), error: errorMessage(err) });
        return false;
    }
}

export async function waitVolumeAvailable(ctx: Ctx, id: string): Promise<DataVolume> {
    return waitFor(ctx, `volume ${id} available`, ctx.settings.volumeWaitTimeoutSeconds * 1000, POLL_MS.volume, async () => {
        const v = await describeVolume(ctx, id);
        if (v === undefined) return { done: false, why: "not visible yet" };
        if (v.state === "available") return { done: true, value: v };
        if (v.state === "error") throw new VolumeFailed(id);
        if (v.state === "deleting") throw new Error(`volume ${id} is ${v.state}`);
        return { done: false, why: v.state };
    });
}

/**
 * Attaches and waits until attached. The volume records the instance first:
 * from then on older failover snapshots no longer hold its final data.
 */
export async function attachDataVolume(ctx: Ctx, volume: DataVolume, instanceId: string): Promise<DataVolume> {
    await tagResources(ctx, [volume.id], { [TAG.lastAttachedInstanceId]: instanceId });
    await tagResources(ctx, [instanceId], { [TAG.dataVolumeId]: volume.id });
    try {
        await send(
            ctx,
            ctx.clients.ec2,
            new AttachVolumeCommand({ VolumeId: volume.id, InstanceId: instanceId, Device: ctx.settings.volume.deviceName }),
        );
    } catch (err) {
        // Applied by a parallel delivery, or by our own call whose response was lost: already ours is success.
        if (errorCode(err) !== "VolumeInUse") throw err;
        const now = await describeVolume(ctx, volume.id);
        if (now?.attachedTo !== instanceId) throw err;
        ctx.log("info", "volume already attached to this instance", { volumeId: volume.id });
    }
    return waitAttached(ctx, volume.id, instanceId);
}

export async function waitAttached(ctx: Ctx, volumeId: string, instanceId: string): Promise<DataVolume> {
    return waitFor(ctx, `volume ${volumeId} attached`, ctx.settings.volumeWaitTimeoutSeconds * 1000, POLL_MS.volume, async () => {
        const v = await describeVolume(ctx, volumeId);
        if (v?.attachedTo === instanceId && v.attachmentState === "attached") return { done: true, value: v };
        if (v !== undefined && v.attachedTo !== undefined && v.attachedTo !== instanceId) {
            throw new Error(`volume ${volumeId} got attached to ${v.attachedTo} instead`);
        }
        return { done: false, why: v?.attachmentState ?? v?.state ?? "not visible" };
    });
}

export async function tagResources(ctx: Ctx, ids: string[], tags: Record<string, string>): Promise<void> {
    if (ids.length === 0) return;
    await send(ctx, ctx.clients.ec2, new CreateTagsCommand({ Resources: ids, Tags: toTags(tags) }));
}

export async function untagResources(ctx: Ctx, ids: string[], keys: string[]): Promise<void> {
    if (ids.length === 0) return;
    await send(ctx, ctx.clients.ec2, new DeleteTagsCommand({ Resources: ids, Tags: keys.map((Key) => ({ Key })) }));
}

// ── snapshots ──────────────────────────────────────────────────────────────

export async function createDataSnapshot(
    ctx: Ctx,
    volume: DataVolume,
    tags: Record<string, string>,
    description: string,
): Promise<DataSnapshot> {
    // CreateSnapshot takes no client token: after a lost response, the snapshot carrying this request's
    // tags (the callers' instance id and lifecycle token) is the answer; another would crowd restore
    // points out of retention.
    const findApplied = async () => {
        const made = (await listDataSnapshots(ctx, { [TAG.sourceVolumeId]: volume.id, ...tags }))
            .find((s) => s.volumeId === volume.id && s.state !== "error");
        return made && { SnapshotId: made.id, State: made.state as SnapshotState, StartTime: new Date(made.startTime), VolumeSize: made.sizeGiB, Progress: made.progress, Tags: toTags(made.tags), $metadata: {} };
    };
    const r = await send(
        ctx,
        ctx.clients.ec2,
        new CreateSnapshotCommand({
            VolumeId: volume.id,
            Description: description,
            TagSpecifications: [
                {
                    ResourceType: "snapshot",
                    Tags: toTags({
                        Name: `${ctx.settings.tierName}-data`,
                        [TAG.tier]: ctx.settings.tierName,
                        [TAG.role]: ROLE_DATA,
                        [TAG.sourceVolumeId]: volume.id,
                        ...tags,
                    }),
                },
            ],
        }),
        findApplied,
    );
    ctx.log("info", "snapshot started", { snapshotId: r.SnapshotId, volumeId: volume.id, ...tags });
    return {
        id: r.SnapshotId ?? "",
        volumeId: volume.id,
        state: r.State ?? "pending",
        startTime: r.StartTime?.getTime() ?? ctx.now(),
        sizeGiB: r.VolumeSize ?? volume.sizeGiB,
        progress: r.Progress ?? "",
        tags: tagMap(r.Tags),
    };
}

export class SnapshotFailed extends Error {
    constructor(readonly snapshotId: string) {
        super(`snapshot ${snapshotId} failed (state error)`);
        this.name = "SnapshotFailed";
    }
}

/** Waits for `completed`; throws SnapshotFailed on `error`, WaitTimeout past `timeoutMs` or the deadline. */
export async function waitSnapshotCompleted(ctx: Ctx, id: string, timeoutMs: number): Promise<DataSnapshot> {
    return waitFor(ctx, `snapshot ${id} completed`, timeoutMs, POLL_MS.snapshot, async () => {
        const s = await describeSnapshot(ctx, id);
        if (s?.state === "completed") return { done: true, value: s };
        if (s?.state === "error") throw new SnapshotFailed(id);
        return { done: false, why: s === undefined ? "not visible yet" : `${s.state} ${s.progress}` };
    });
}

// ── lifecycle, notifications ───────────────────────────────────────────────

export async function completeLifecycle(ctx: Runtime, d: LifecycleDetail, result: "CONTINUE" | "ABANDON"): Promise<boolean> {
    try {
        await send(
            ctx,
            ctx.clients.autoscaling,
            new CompleteLifecycleActionCommand({
                AutoScalingGroupName: d.AutoScalingGroupName,
                LifecycleHookName: d.LifecycleHookName,
                LifecycleActionToken: d.LifecycleActionToken,
                InstanceId: d.EC2InstanceId,
                LifecycleActionResult: result,
            }),
        );
        ctx.log("info", "lifecycle action completed", { result });
        return true;
    } catch (err) {
        // A parallel delivery completed it already, or the hook timed out: the action is no longer ours to complete.
        ctx.log("warn", "could not complete lifecycle action", { result, code: errorCode(err), error: errorMessage(err) });
        return false;
    }
}

/**
 * Records a heartbeat: the action stays open another HeartbeatTimeout, and
 * the deadline moves with it. An action that is no longer open (completed by
 * a parallel delivery, timed out, or an event delivered too late) throws
 * ActionGone: nothing may be done for it any more.
 */
export async function heartbeat(ctx: Ctx, d: LifecycleDetail): Promise<void> {
    try {
        await send(
            ctx,
            ctx.clients.autoscaling,
            new RecordLifecycleActionHeartbeatCommand({
                AutoScalingGroupName: d.AutoScalingGroupName,
                LifecycleHookName: d.LifecycleHookName,
                LifecycleActionToken: d.LifecycleActionToken,
                InstanceId: d.EC2InstanceId,
            }),
        );
    } catch (err) {
        if (errorCode(err) === "ValidationError") throw new ActionGone(`lifecycle action not open: ${errorMessage(err)}`);
        throw err;
    }
}

/** Best effort: an alert that fails to send must not change the outcome. */
export async function notify(ctx: Ctx, subject: string, fields: LogFields): Promise<void> {
    if (ctx.settings.snsTopicArn === undefined) return;
    try {
        await send(
            ctx,
            ctx.clients.sns,
            new PublishCommand({
                TopicArn: ctx.settings.snsTopicArn,
                Subject: `[${ctx.settings.tierName}] ${subject}`.slice(0, 100),
                Message: JSON.stringify({ tier: ctx.settings.tierName, subject, ...fields }, null, 2),
            }),
        );
    } catch (err) {
        ctx.log("error", "SNS publish failed", { code: errorCode(err), error: errorMessage(err) });
    }
}
