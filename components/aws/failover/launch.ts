/**
 * EC2_INSTANCE_LAUNCHING: bring the data (and the address) to the new
 * instance's AZ, then let the launch continue; on any failure, abandon it so
 * the group tries again.
 *
 * Which copy of the data the new instance gets:
 *   1. a volume already attached to / created for this instance (a retried event),
 *   2. the newest active volume, if it is in this AZ,
 *   3. a copy of it made through a fresh snapshot, if it is in another AZ,
 *   4. the newest completed snapshot, if that volume cannot be reached,
 *   5. an empty volume, only if the tier has never had data.
 */
import { CreateOrUpdateTagsCommand, DescribeTagsCommand } from "@aws-sdk/client-auto-scaling";
import { AssociateAddressCommand, DeleteVolumeCommand, DescribeAddressesCommand } from "@aws-sdk/client-ec2";
import { ChangeResourceRecordSetsCommand, Change } from "@aws-sdk/client-route-53";
import { SNAPSHOT_ORIGIN, TAG, VOLUME_ORIGIN, VOLUME_STATE } from "./contract";
import {
    InstanceInfo,
    LifecycleDetail,
    SnapshotFailed,
    attachDataVolume,
    completeLifecycle,
    createDataSnapshot,
    createDataVolume,
    describeInstance,
    isImpaired,
    notify,
    tagResources,
    untagResources,
    waitAttached,
    waitInstanceRunning,
    waitSnapshotCompleted,
    waitVolumeAvailable,
} from "./actions";
import {
    DataSnapshot,
    DataVolume,
    describeVolume,
    failoverSnapshotsOf,
    isActive,
    isSuperseded,
    lastAttached,
    listDataSnapshots,
    listDataVolumes,
    newestActive,
    pruneCandidates,
    restoreCandidate,
} from "./inventory";
import { pruneHandlerSnapshots } from "./retention";
import { Ctx, LogFields, POLL_MS, Refusal, WaitTimeout, errorCode, errorMessage, send, waitFor } from "./runtime";

export type LaunchBranch = "resume" | "attach" | "copy" | "restore" | "empty";

export interface HandlerResult {
    outcome: "CONTINUE" | "ABANDON" | "NONE";
    branch?: LaunchBranch;
    volumeId?: string;
    snapshotId?: string;
    reason?: string;
}

interface Target {
    branch: LaunchBranch;
    volume: DataVolume;
    notes: LogFields;
}

/** The live copy cannot be read (its AZ is down or the volume is broken): fall back to a snapshot. */
class Unreachable extends Error {
    constructor(reason: string) {
        super(reason);
        this.name = "Unreachable";
    }
}

/** CreateSnapshot errors that mean EBS cannot read the volume, not that we asked wrongly. */
const UNREACHABLE_CODES = new Set(["IncorrectState", "InternalError", "ServiceUnavailable", "Unavailable"]);

/** Instance states that still own their volumes; taking a volume from them is not ours to do. */
const LIVE_STATES = new Set(["pending", "running", "stopping", "stopped"]);

export async function onLaunch(ctx: Ctx, d: LifecycleDetail): Promise<HandlerResult> {
    try {
        const r = await launch(ctx, d);
        await completeLifecycle(ctx, d, "CONTINUE");
        return { outcome: "CONTINUE", ...r };
    } catch (err) {
        if (errorCode(err) === "IdempotentParameterMismatch") {
            // Another invocation of the same event is creating this instance's
            // volume right now; it owns the lifecycle action.
            ctx.log("warn", "concurrent duplicate of this event; leaving the action to it", { error: errorMessage(err) });
            return { outcome: "NONE", reason: errorMessage(err) };
        }
        const reason = errorMessage(err);
        const fields = err instanceof Refusal ? err.fields : {};
        ctx.log("error", "launch abandoned", { reason, code: errorCode(err), ...fields });
        await notify(ctx, "failover failed: launch abandoned", { instanceId: d.EC2InstanceId, reason, ...fields });
        await completeLifecycle(ctx, d, "ABANDON");
        return { outcome: "ABANDON", reason };
    }
}

async function launch(ctx: Ctx, d: LifecycleDetail): Promise<Omit<HandlerResult, "outcome">> {
    const instance = await waitInstanceRunning(ctx, d.EC2InstanceId);
    const volumes = await listDataVolumes(ctx);
    const target = await chooseTarget(ctx, d, instance, volumes);
    ctx.log("info", "data volume chosen", { branch: target.branch, volumeId: target.volume.id, az: instance.az, ...target.notes });

    const attached = await ensureAttached(ctx, target.volume, instance);
    const afterPromote = await promote(ctx, attached, volumes);
    const live = afterPromote.find((v) => v.id === attached.id)!;
    const remaining = await prune(ctx, live, afterPromote);
    // Only now, with the new copy attached: older handler snapshots beyond retention (see snapshotPruneCandidates).
    await pruneHandlerSnapshots(ctx, live, remaining);
    await markInitialized(ctx, d);

    const ipv4 = await moveAddress(ctx, instance);
    await updateDns(ctx, instance, ipv4);
    await notify(ctx, `replacement ready in ${instance.az}`, {
        instanceId: instance.id,
        az: instance.az,
        branch: target.branch,
        volumeId: attached.id,
        ipv4,
        ipv6: instance.ipv6,
        ...target.notes,
    });
    return {
        branch: target.branch,
        volumeId: attached.id,
        ...(typeof target.notes.snapshotId === "string" ? { snapshotId: target.notes.snapshotId } : {}),
    };
}

// ── choosing the data ──────────────────────────────────────────────────────

async function chooseTarget(ctx: Ctx, d: LifecycleDetail, inst: InstanceInfo, volumes: DataVolume[]): Promise<Target> {
    const mine =
        volumes.find((v) => v.attachedTo === inst.id) ??
        volumes.find((v) => v.tags[TAG.instanceId] === inst.id && v.state !== "deleting");
    if (mine !== undefined) {
        // A retried event: finish what the first delivery started.
        const volume = mine.attachedTo === inst.id ? mine : await waitVolumeAvailable(ctx, mine.id);
        return { branch: "resume", volume, notes: {} };
    }

    const active = newestActive(volumes);
    if (active === undefined) return firstOrRestore(ctx, d, inst, volumes);
    try {
        if (active.state === "error") throw new Unreachable(`volume ${active.id} is in state error`);
        if (active.az === inst.az) {
            return { branch: "attach", volume: await waitReleased(ctx, active, true), notes: {} };
        }
        if (await isImpaired(ctx, active.id)) throw new Unreachable(`volume ${active.id} in ${active.az} is impaired`);
        const source = await waitReleased(ctx, active, false);
        const snapshot = await failoverSnapshot(ctx, d, source);
        const volume = await createDataVolume(ctx, {
            az: inst.az,
            instanceId: inst.id,
            token: d.LifecycleActionToken,
            origin: VOLUME_ORIGIN.copy,
            snapshot,
        });
        return { branch: "copy", volume, notes: { fromVolumeId: source.id, fromAz: source.az, snapshotId: snapshot.id } };
    } catch (err) {
        if (!(err instanceof Unreachable)) throw err;
        return restore(ctx, d, inst, volumes, await listDataSnapshots(ctx), err.message, active);
    }
}

/**
 * Waits until the old instance lets go of the volume (a terminating instance
 * releases it when it shuts down). A live holder keeps it: we refuse rather
 * than take data from under a running app. A dead holder that never lets go
 * in another AZ means that AZ is not processing detaches: unreachable.
 */
async function waitReleased(ctx: Ctx, volume: DataVolume, sameAz: boolean): Promise<DataVolume> {
    if (volume.state === "available" && volume.attachedTo === undefined) return volume;
    if (volume.state === "creating") return waitVolumeAvailable(ctx, volume.id);
    const holder = volume.attachedTo;
    try {
        return await waitFor(
            ctx,
            `volume ${volume.id} released by ${holder ?? "?"}`,
            ctx.settings.volumeWaitTimeoutSeconds * 1000,
            POLL_MS.volume,
            async () => {
                const v = await describeVolume(ctx, volume.id);
                if (v === undefined) throw new Refusal(`volume ${volume.id} disappeared`);
                if (v.state === "error") throw new Unreachable(`volume ${v.id} is in state error`);
                if (v.state === "available" && v.attachedTo === undefined) return { done: true, value: v };
                return { done: false, why: `${v.state} ${v.attachmentState ?? ""}`.trim() };
            },
        );
    } catch (err) {
        if (!(err instanceof WaitTimeout)) throw err;
        const h = holder === undefined ? undefined : await describeInstance(ctx, holder);
        const holderState = h?.state ?? "unknown";
        if (sameAz || LIVE_STATES.has(holderState)) {
            throw new Refusal(`volume ${volume.id} is still attached to ${holder} (${holderState}); not taking it`, {
                volumeId: volume.id,
                holder,
                holderState,
            });
        }
        throw new Unreachable(`volume ${volume.id} in ${volume.az} is still attached to ${holderState} instance ${holder}`);
    }
}

/**
 * A snapshot of the released source volume, holding its final data. Reuses
 * one from an earlier attempt if the volume has not been attached since.
 * A first attempt that times out abandons (the next one resumes the wait);
 * a snapshot pending for twice the timeout, or failed, means the AZ cannot
 * serve it.
 */
async function failoverSnapshot(ctx: Ctx, d: LifecycleDetail, source: DataVolume): Promise<DataSnapshot> {
    const earlier = failoverSnapshotsOf(
        await listDataSnapshots(ctx, { [TAG.sourceVolumeId]: source.id, [TAG.origin]: SNAPSHOT_ORIGIN.failover }),
        source,
    );
    if (earlier.some((s) => s.state === "error")) {
        throw new Unreachable(`an earlier failover snapshot of ${source.id} failed`);
    }
    let snapshot = earlier
        .filter((s) => s.state === "completed" || s.state === "pending")
        .sort((a, b) => Number(b.state === "completed") - Number(a.state === "completed") || b.startTime - a.startTime)[0];
    if (snapshot === undefined) {
        try {
            snapshot = await createDataSnapshot(
                ctx,
                source,
                {
                    [TAG.origin]: SNAPSHOT_ORIGIN.failover,
                    [TAG.instanceId]: d.EC2InstanceId,
                    [TAG.lifecycleToken]: d.LifecycleActionToken,
                    [TAG.generation]: lastAttached(source),
                },
                `failover of ${source.id} to ${d.EC2InstanceId}`,
            );
        } catch (err) {
            if (UNREACHABLE_CODES.has(errorCode(err))) {
                throw new Unreachable(`cannot snapshot ${source.id} in ${source.az}: ${errorCode(err)}`);
            }
            throw err;
        }
    }
    if (snapshot.state === "completed") return snapshot;

    const timeoutMs = ctx.settings.snapshotWaitTimeoutSeconds * 1000;
    const stuck = (s: DataSnapshot) => ctx.now() - s.startTime >= 2 * timeoutMs;
    if (stuck(snapshot)) throw new Unreachable(`failover snapshot ${snapshot.id} of ${source.id} is stuck pending`);
    try {
        return await waitSnapshotCompleted(ctx, snapshot.id, timeoutMs);
    } catch (err) {
        if (err instanceof SnapshotFailed) throw new Unreachable(err.message);
        if (err instanceof WaitTimeout && stuck(snapshot)) {
            throw new Unreachable(`failover snapshot ${snapshot.id} of ${source.id} is stuck pending`);
        }
        throw err;
    }
}

/** Restores the newest valid completed snapshot; without one, refuses. */
async function restore(
    ctx: Ctx,
    d: LifecycleDetail,
    inst: InstanceInfo,
    volumes: DataVolume[],
    snapshots: DataSnapshot[],
    reason: string,
    lost?: DataVolume,
): Promise<Target> {
    const snapshot = restoreCandidate(snapshots, volumes);
    if (snapshot === undefined) {
        throw new Refusal(`${reason}, and this tier has no completed snapshot to restore; not starting empty`, {
            unreachableVolumeId: lost?.id,
        });
    }
    const dataAsOf = new Date(snapshot.startTime).toISOString();
    ctx.log("warn", "restoring from snapshot: writes after it stay on the unreachable volume", {
        reason,
        snapshotId: snapshot.id,
        dataAsOf,
        unreachableVolumeId: lost?.id,
    });
    const volume = await createDataVolume(ctx, {
        az: inst.az,
        instanceId: inst.id,
        token: d.LifecycleActionToken,
        origin: VOLUME_ORIGIN.restore,
        snapshot,
    });
    return {
        branch: "restore",
        volume,
        notes: { reason, snapshotId: snapshot.id, dataAsOf, ...(lost !== undefined ? { unreachableVolumeId: lost.id, unreachableAz: lost.az } : {}) },
    };
}

/** No active volume: restore if the tier has any history, start empty only if it has none at all. */
async function firstOrRestore(ctx: Ctx, d: LifecycleDetail, inst: InstanceInfo, volumes: DataVolume[]): Promise<Target> {
    const snapshots = await listDataSnapshots(ctx);
    if (volumes.length > 0 || snapshots.length > 0) {
        return restore(ctx, d, inst, volumes, snapshots, "no active data volume");
    }
    if (await isInitialized(ctx, d.AutoScalingGroupName)) {
        throw new Refusal(
            "this tier has had data (the group is marked initialized) but no data volume and no snapshot exist; refusing to start empty",
            { group: d.AutoScalingGroupName },
        );
    }
    const volume = await createDataVolume(ctx, {
        az: inst.az,
        instanceId: inst.id,
        token: d.LifecycleActionToken,
        origin: VOLUME_ORIGIN.empty,
    });
    return { branch: "empty", volume, notes: {} };
}

// ── after the choice ───────────────────────────────────────────────────────

async function ensureAttached(ctx: Ctx, volume: DataVolume, inst: InstanceInfo): Promise<DataVolume> {
    if (volume.attachedTo !== inst.id) return attachDataVolume(ctx, volume, inst.id);
    if (inst.tags[TAG.dataVolumeId] !== volume.id) await tagResources(ctx, [inst.id], { [TAG.dataVolumeId]: volume.id });
    return volume.attachmentState === "attached" ? volume : waitAttached(ctx, volume.id, inst.id);
}

/**
 * The attached volume is now the only active one: every other active volume
 * becomes superseded and stops being a DLM target (so no stale snapshot is
 * ever taken of it). Returns the volumes as they are now tagged.
 */
async function promote(ctx: Ctx, attachedAsRead: DataVolume, volumes: DataVolume[]): Promise<DataVolume[]> {
    const tier = ctx.settings.tierName;
    if (attachedAsRead.tags[TAG.state] !== VOLUME_STATE.active || attachedAsRead.tags[TAG.backup] !== tier) {
        await tagResources(ctx, [attachedAsRead.id], { [TAG.state]: VOLUME_STATE.active, [TAG.backup]: tier });
    }
    const attached: DataVolume = { ...attachedAsRead, tags: { ...attachedAsRead.tags, [TAG.state]: VOLUME_STATE.active, [TAG.backup]: tier } };
    // A volume created by this launch is not in the list read before it: add it (lineage rules need it).
    const all = volumes.some((v) => v.id === attached.id) ? volumes : [...volumes, attached];
    const others = all.filter((v) => isActive(v) && v.id !== attached.id).map((v) => v.id);
    if (others.length === 0) return all.map((v) => (v.id === attached.id ? attached : v));
    const supersededAt = new Date(ctx.now()).toISOString();
    // Their snapshots after the data the new copy started with are a fork from now on.
    const lineageUntil = attached.tags[TAG.dataAsOf] ?? new Date(attached.createTime).toISOString();
    const marks = { [TAG.state]: VOLUME_STATE.superseded, [TAG.supersededAt]: supersededAt, [TAG.lineageUntil]: lineageUntil };
    await tagResources(ctx, others, marks);
    await untagResources(ctx, others, [TAG.backup]);
    ctx.log("info", "volumes superseded", { volumeIds: others });
    return all.map((v) => {
        if (v.id === attached.id) return attached;
        if (!others.includes(v.id)) return v;
        const tags: Record<string, string> = { ...v.tags, ...marks };
        delete tags[TAG.backup];
        return { ...v, tags };
    });
}

/**
 * Best effort: deletes superseded volumes beyond retention whose data is safe
 * elsewhere (see pruneCandidates). Returns the volumes still there.
 */
async function prune(ctx: Ctx, attached: DataVolume, volumes: DataVolume[]): Promise<DataVolume[]> {
    if (volumes.filter(isSuperseded).length <= ctx.settings.supersededVolumeRetention) return volumes;
    const deleted = new Set<string>();
    try {
        const snapshots = await listDataSnapshots(ctx, { [TAG.origin]: SNAPSHOT_ORIGIN.failover });
        for (const v of pruneCandidates(volumes, snapshots, attached, ctx.settings.supersededVolumeRetention)) {
            await send(ctx, ctx.clients.ec2, new DeleteVolumeCommand({ VolumeId: v.id }));
            deleted.add(v.id);
            ctx.log("info", "superseded volume deleted", { volumeId: v.id, az: v.az });
        }
    } catch (err) {
        ctx.log("warn", "pruning superseded volumes failed", { code: errorCode(err), error: errorMessage(err) });
    }
    return volumes.filter((v) => !deleted.has(v.id));
}

async function isInitialized(ctx: Ctx, group: string): Promise<boolean> {
    const r = await send(
        ctx,
        ctx.clients.autoscaling,
        new DescribeTagsCommand({
            Filters: [
                { Name: "auto-scaling-group", Values: [group] },
                { Name: "key", Values: [TAG.dataInitialized] },
            ],
        }),
    );
    return (r.Tags ?? []).length > 0;
}

/** Every successful launch re-asserts the marker, so losing it once does no harm. Best effort. */
async function markInitialized(ctx: Ctx, d: LifecycleDetail): Promise<void> {
    try {
        await send(
            ctx,
            ctx.clients.autoscaling,
            new CreateOrUpdateTagsCommand({
                Tags: [
                    {
                        ResourceId: d.AutoScalingGroupName,
                        ResourceType: "auto-scaling-group",
                        Key: TAG.dataInitialized,
                        Value: "true",
                        PropagateAtLaunch: false,
                    },
                ],
            }),
        );
    } catch (err) {
        ctx.log("warn", "could not mark the group initialized", { code: errorCode(err), error: errorMessage(err) });
    }
}

/** Moves the Elastic IP (if any) to the instance; returns the public IPv4 the instance answers on. */
async function moveAddress(ctx: Ctx, inst: InstanceInfo): Promise<string | undefined> {
    const allocationId = ctx.settings.elasticIpAllocationId;
    if (allocationId === undefined) return inst.publicIpv4;
    await send(
        ctx,
        ctx.clients.ec2,
        new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: inst.id, AllowReassociation: true }),
    );
    if (ctx.settings.dns === undefined) return undefined;
    const r = await send(ctx, ctx.clients.ec2, new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
    return r.Addresses?.[0]?.PublicIp;
}

async function updateDns(ctx: Ctx, inst: InstanceInfo, ipv4: string | undefined): Promise<void> {
    const dns = ctx.settings.dns;
    if (dns === undefined) return;
    const record = (Type: "A" | "AAAA", value: string): Change => ({
        Action: "UPSERT",
        ResourceRecordSet: { Name: dns.recordName, Type, TTL: dns.ttl, ResourceRecords: [{ Value: value }] },
    });
    const changes = [
        ...(ipv4 !== undefined ? [record("A", ipv4)] : []),
        ...(inst.ipv6 !== undefined ? [record("AAAA", inst.ipv6)] : []),
    ];
    if (changes.length === 0) {
        ctx.log("warn", "no public IPv4 or IPv6 on the instance; DNS left unchanged", { record: dns.recordName });
        return;
    }
    await send(
        ctx,
        ctx.clients.route53,
        new ChangeResourceRecordSetsCommand({
            HostedZoneId: dns.hostedZoneId,
            ChangeBatch: { Comment: `failover to ${inst.id}`, Changes: changes },
        }),
    );
}
