/**
 * The env-var contract with the Pulumi component, and the pure rules that
 * decide which copy of the data is live, restorable or deletable.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import {
    DEFAULTS,
    ENV,
    FailoverSettings,
    FailoverSettingsError,
    NEVER_ATTACHED,
    TAG,
    VOLUME_TYPES,
    dlmSnapshotTags,
    dlmTargetTags,
    launchHandlerBudgetSeconds,
    lifecycleEventPattern,
    parseFailoverSettings,
    settingsToEnvironment,
} from "../../components/aws/failover/contract";
import {
    DataSnapshot,
    DataVolume,
    isLineageSnapshot,
    chooseLive,
    pruneCandidates,
    restoreCandidate,
} from "../../components/aws/failover/inventory";

describe("failover contract: settings", () => {
    it("applies the defaults to a minimal environment", () => {
        const s = parseFailoverSettings({ TIER_NAME: "app-dev", DATA_VOLUME_SIZE_GIB: "20" });
        assert.deepEqual(s, {
            tierName: "app-dev",
            volume: { sizeGiB: 20, type: "gp3", deviceName: "/dev/sdf" },
            supersededVolumeRetention: 1,
            handlerSnapshotRetention: 3,
            snapshotWaitTimeoutSeconds: 600,
            volumeWaitTimeoutSeconds: 300,
            heartbeatTimeoutSeconds: 900,
            restoreAfterUnreachableSeconds: 1800,
            quiesceWaitSeconds: 60,
        });
    });

    it("reads every variable, stripping the /hostedzone/ prefix", () => {
        const s = parseFailoverSettings({
            TIER_NAME: "app-prod",
            DATA_VOLUME_SIZE_GIB: "100",
            DATA_VOLUME_TYPE: "io2",
            DATA_VOLUME_IOPS: "8000",
            DATA_VOLUME_KMS_KEY_ID: "arn:aws:kms:eu-west-1:123456789012:key/abc",
            DATA_VOLUME_DEVICE_NAME: "/dev/xvdg",
            ELASTIC_IP_ALLOCATION_ID: "eipalloc-0123abcd",
            HOSTED_ZONE_ID: "/hostedzone/Z1",
            RECORD_NAME: "app.example.com",
            RECORD_TTL: "30",
            SNS_TOPIC_ARN: "arn:aws:sns:eu-west-1:123456789012:alerts",
            SUPERSEDED_VOLUME_RETENTION: "0",
            SNAPSHOT_WAIT_TIMEOUT_SECONDS: "800",
            VOLUME_WAIT_TIMEOUT_SECONDS: "120",
        });
        assert.equal(s.volume.type, "io2");
        assert.equal(s.volume.iops, 8000);
        assert.equal(s.volume.deviceName, "/dev/xvdg");
        assert.deepEqual(s.dns, { hostedZoneId: "Z1", recordName: "app.example.com", ttl: 30 });
        assert.equal(s.supersededVolumeRetention, 0);
        assert.equal(s.snapshotWaitTimeoutSeconds, 800);
    });

    it("reports every problem at once, each naming its variable", () => {
        let problems: string[] = [];
        assert.throws(() => {
            try {
                parseFailoverSettings({
                    DATA_VOLUME_TYPE: "st1",
                    DATA_VOLUME_IOPS: "3000",
                    DATA_VOLUME_DEVICE_NAME: "/dev/sda1",
                    ELASTIC_IP_ALLOCATION_ID: "1.2.3.4",
                    HOSTED_ZONE_ID: "Z1",
                    SNS_TOPIC_ARN: "alerts",
                    SNAPSHOT_WAIT_TIMEOUT_SECONDS: "0",
                    VOLUME_WAIT_TIMEOUT_SECONDS: "5m",
                    HANDLER_SNAPSHOT_RETENTION: "0",
                });
            } catch (e) {
                problems = (e as FailoverSettingsError).problems;
                throw e;
            }
        }, FailoverSettingsError);
        for (const name of [
            ENV.tierName,
            ENV.volumeSizeGiB,
            ENV.volumeIops,
            ENV.volumeDeviceName,
            ENV.elasticIpAllocationId,
            ENV.recordName,
            ENV.snsTopicArn,
            ENV.snapshotWaitTimeoutSeconds,
            ENV.volumeWaitTimeoutSeconds,
            ENV.handlerSnapshotRetention,
        ]) {
            assert.ok(problems.some((p) => p.includes(name)), `${name} named in:\n${problems.join("\n")}`);
        }
        assert.equal(problems.length, 10, problems.join("\n"));
    });

    it("rejects a throughput on anything but gp3, and io1/io2 without IOPS", () => {
        assert.throws(
            () => parseFailoverSettings({ TIER_NAME: "t", DATA_VOLUME_SIZE_GIB: "8", DATA_VOLUME_TYPE: "gp2", DATA_VOLUME_THROUGHPUT_MIBPS: "250" }),
            /DATA_VOLUME_THROUGHPUT_MIBPS: only gp3/,
        );
        assert.throws(
            () => parseFailoverSettings({ TIER_NAME: "t", DATA_VOLUME_SIZE_GIB: "8", DATA_VOLUME_TYPE: "io1" }),
            /DATA_VOLUME_IOPS: required for io1/,
        );
    });

    it("refuses a malformed KMS key, hosted zone id or record name before any AWS call sees it", () => {
        const base = { TIER_NAME: "t", DATA_VOLUME_SIZE_GIB: "8" };
        for (const kms of ["arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "alias/data", "1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-1234abcd12ab34cd56ef1234567890ab"]) {
            assert.equal(parseFailoverSettings({ ...base, DATA_VOLUME_KMS_KEY_ID: kms }).volume.kmsKeyId, kms);
        }
        assert.throws(() => parseFailoverSettings({ ...base, DATA_VOLUME_KMS_KEY_ID: "my key" }), new RegExp(`${ENV.volumeKmsKeyId}: expected a KMS key id`));
        assert.throws(() => parseFailoverSettings({ ...base, HOSTED_ZONE_ID: "example.com", RECORD_NAME: "app.example.com" }), new RegExp(`${ENV.hostedZoneId}: expected a hosted zone id`));
        assert.throws(() => parseFailoverSettings({ ...base, HOSTED_ZONE_ID: "Z1", RECORD_NAME: "app example.com" }), new RegExp(`${ENV.recordName}: expected a DNS name`));
    });

    it("round-trips through the environment the component writes", () => {
        const settings: fc.Arbitrary<FailoverSettings> = fc.record({
            tierName: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
            volume: fc.record({
                sizeGiB: fc.integer({ min: 1, max: 16384 }),
                type: fc.constant("gp3" as const),
                iops: fc.integer({ min: 3000, max: 16000 }),
                throughputMiBps: fc.integer({ min: 125, max: 1000 }),
                kmsKeyId: fc.constant("alias/data"),
                deviceName: fc.constantFrom("/dev/sdf", "/dev/xvdp"),
            }),
            elasticIpAllocationId: fc.constant("eipalloc-0a1b2c"),
            dns: fc.record({ hostedZoneId: fc.constant("Z9"), recordName: fc.constant("x.example.org"), ttl: fc.nat(86400) }),
            snsTopicArn: fc.constant("arn:aws:sns:us-east-1:123456789012:t"),
            supersededVolumeRetention: fc.nat(10),
            handlerSnapshotRetention: fc.integer({ min: 1, max: 1000 }),
            snapshotWaitTimeoutSeconds: fc.integer({ min: 1, max: 900 }),
            volumeWaitTimeoutSeconds: fc.integer({ min: 1, max: 900 }),
            heartbeatTimeoutSeconds: fc.integer({ min: 30, max: 7200 }),
            restoreAfterUnreachableSeconds: fc.integer({ min: 0, max: 7 * 86400 }),
            quiesceWaitSeconds: fc.integer({ min: 0, max: 600 }),
        });
        // (fast-check may build null-prototype objects; compare plain copies)
        fc.assert(
            fc.property(settings, (s) => assert.deepEqual(parseFailoverSettings(settingsToEnvironment(s)), JSON.parse(JSON.stringify(s)))),
            { numRuns: 50 },
        );
    });

    it("gives the component the DLM tags and the handler's time budget", () => {
        assert.deepEqual(dlmTargetTags("t"), { [TAG.backup]: "t" });
        assert.deepEqual(lifecycleEventPattern("g"), {
            source: ["aws.autoscaling"],
            "detail-type": ["EC2 Instance-launch Lifecycle Action", "EC2 Instance-terminate Lifecycle Action"],
            detail: { AutoScalingGroupName: ["g"] },
        });
        assert.deepEqual(dlmSnapshotTags("t"), { [TAG.tier]: "t", [TAG.role]: "data", [TAG.origin]: "schedule" });
        const s = parseFailoverSettings({ TIER_NAME: "t", DATA_VOLUME_SIZE_GIB: "8" });
        assert.deepEqual(launchHandlerBudgetSeconds(s), { sameAz: 900, crossAz: 900 });
        assert.deepEqual(launchHandlerBudgetSeconds({ ...s, volumeWaitTimeoutSeconds: 60, snapshotWaitTimeoutSeconds: 300 }), {
            sameAz: 180,
            crossAz: 540,
        });
        assert.equal(DEFAULTS.volumeType, VOLUME_TYPES[0]);
    });
});

const vol = (id: string, createTime: number, tags: Record<string, string>, extra: Partial<DataVolume> = {}): DataVolume => ({
    id,
    az: "a",
    state: "available",
    sizeGiB: 8,
    createTime,
    tags: { [TAG.tier]: "t", [TAG.role]: "data", ...tags },
    ...extra,
});
const snap = (id: string, volumeId: string, startTime: number, tags: Record<string, string> = {}, state = "completed"): DataSnapshot => ({
    id,
    volumeId,
    state,
    startTime,
    sizeGiB: 8,
    progress: "100%",
    tags,
});

describe("failover rules", () => {
    it("the live copy is chosen by lineage, never by creation time", () => {
        const seq = (n: number) => ({ [TAG.sequence]: String(n) });
        const a = vol("a", 1, { [TAG.state]: "active", ...seq(1), [TAG.lastAttachedInstanceId]: "i-1" });
        const failed = vol("b", 2, { [TAG.state]: "active", ...seq(2) }, { state: "error" });
        const old = vol("c", 3, { [TAG.state]: "superseded", ...seq(3) });
        const pending = vol("p", 9, { [TAG.state]: "pending", ...seq(2) });
        const pick = (vs: DataVolume[]) => {
            const c = chooseLive(vs);
            return c.kind === "live" ? c.volume.id : c.kind;
        };
        assert.equal(pick([a, failed, old, pending]), "a", "a failed never-used copy, a superseded one and a pending one are never live");
        assert.equal(pick([{ ...failed, tags: { ...failed.tags, [TAG.lastAttachedInstanceId]: "i-2" } }, a]), "b", "a used volume in error is still the live copy");
        // A newer copy wins by sequence even when created earlier (clocks and creation order decide nothing).
        const newer = vol("n", 0, { [TAG.state]: "active", ...seq(2), [TAG.parentVolumeId]: "a" });
        assert.equal(pick([a, newer]), "n");
        // The state tag removed from the live copy: still the live copy (attached), not "absent".
        const untagged = vol("u", 5, { ...seq(4), [TAG.lastAttachedInstanceId]: "i-4" }, { attachedTo: "i-4", attachmentState: "attached" });
        assert.equal(pick([a, untagged]), "u");
        // A copy restored by hand with copied tags: a tie at the top is refused, not guessed.
        const clone = { ...a, id: "clone", createTime: 99 };
        assert.equal(pick([a, clone]), "conflict");
        assert.equal(pick([]), "none");
    });

    it("a snapshot is a restore point only up to the data the next volume started from", () => {
        const v1 = vol("v1", 0, {});
        const v2 = vol("v2", 100, { [TAG.dataAsOf]: new Date(50).toISOString() });
        assert.ok(isLineageSnapshot(snap("s1", "v1", 50), [v1, v2]));
        assert.ok(!isLineageSnapshot(snap("s2", "v1", 60), [v1, v2]));
        assert.ok(isLineageSnapshot(snap("s3", "v2", 500), [v1, v2]));
        assert.equal(restoreCandidate([snap("s1", "v1", 50), snap("s2", "v1", 60), snap("s4", "v2", 70, {}, "pending")], [v1, v2])?.id, "s1");
    });

    it("prunes only released, preserved, superseded volumes beyond retention, once the live one is attached", () => {
        const live = vol("live", 100, { [TAG.state]: "active", [TAG.backup]: "t" }, { state: "in-use", attachedTo: "i-9", attachmentState: "attached" });
        const sup = (id: string, at: number, extra: Record<string, string> = {}) =>
            vol(id, at - 1, { [TAG.state]: "superseded", [TAG.supersededAt]: new Date(at).toISOString(), [TAG.lastAttachedInstanceId]: `i-${id}`, ...extra });
        const kept = sup("kept", 90, { [TAG.finalSnapshotId]: "p1" });
        const safe = sup("safe", 80, { [TAG.finalSnapshotId]: "p2" });
        const lost = sup("lost", 70); // left by a restore: its writes were not carried forward
        const stale = sup("stale", 60, { [TAG.finalSnapshotId]: "p3" }); // attached again after its final snapshot
        const snaps = [
            snap("p1", "kept", 89, { [TAG.origin]: "failover", [TAG.generation]: "i-kept" }),
            snap("p2", "safe", 79, { [TAG.origin]: "failover", [TAG.generation]: "i-safe" }),
            snap("p3", "stale", 59, { [TAG.origin]: "failover", [TAG.generation]: NEVER_ATTACHED }),
        ];
        const volumes = [live, kept, safe, lost, stale];
        assert.deepEqual(pruneCandidates(volumes, snaps, live, 1).map((v) => v.id), ["safe"]);
        assert.deepEqual(pruneCandidates(volumes, snaps, live, 0).map((v) => v.id), ["kept", "safe"]);
        assert.deepEqual(pruneCandidates(volumes, snaps, { ...live, attachmentState: "attaching" }, 0), []);
        const pendingOnly = snaps.map((s) => ({ ...s, state: "pending" }));
        assert.deepEqual(pruneCandidates(volumes, pendingOnly, live, 0), []);
    });
});
