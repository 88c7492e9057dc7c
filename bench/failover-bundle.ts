/**
 * Cold-path cost of the failover handler:
 *   - the size of the Lambda code (bundled with the AWS SDK, and without it
 *     for comparison), target under 1.1 MB;
 *   - the AWS API calls each failover case makes, counted against the
 *     in-memory EC2 of the tests, with EBS instant (the fixed cost) and with
 *     typical timings (2 min snapshot, 8 s volume, 4 s attach: adds polls).
 *
 * Run: npx ts-node --transpile-only bench/failover-bundle.ts
 */
import { bundleHandler } from "../components/aws/failover/bundle";
import { ENV, TAG } from "../components/aws/failover/contract";
import { HOUR, FakeOptions } from "../test/failover/fake-aws";
import { World, activeVolumeTags, countBy, dataTags, world } from "../test/failover/harness";

const A = "eu-west-1a";
const B = "eu-west-1b";

type Case = { name: string; run: (w: World) => Promise<unknown> };

const live = (w: World, az: string) =>
    w.fake.addVolume({ az, history: [1], createTime: w.fake.now - 24 * HOUR, tags: activeVolumeTags({ [TAG.lastAttachedInstanceId]: "i-old" }) });

const cases: Case[] = [
    { name: "same AZ: attach", run: async (w) => (live(w, A), w.launch(w.fake.addInstance(A).id)) },
    { name: "other AZ: snapshot + copy", run: async (w) => (live(w, A), w.launch(w.fake.addInstance(B).id)) },
    {
        name: "AZ down: an attempt inside the window",
        run: async (w) => {
            const v = live(w, A);
            w.fake.addSnapshot({ volumeId: v.id, state: "completed", startTime: w.fake.now - HOUR, tags: dataTags({ [TAG.origin]: "schedule" }) });
            w.fake.azDown(A);
            return w.launch(w.fake.addInstance(B).id);
        },
    },
    {
        name: "AZ down: restore (window passed)",
        run: async (w) => {
            const v = live(w, A);
            v.tags[TAG.unreachableSince] = new Date(w.fake.now - 2 * HOUR).toISOString();
            v.tags[TAG.unreachableEvidence] = "snapshot-refused: seen before";
            w.fake.addSnapshot({ volumeId: v.id, state: "completed", startTime: w.fake.now - HOUR, tags: dataTags({ [TAG.origin]: "schedule" }) });
            w.fake.azDown(A);
            return w.launch(w.fake.addInstance(B).id);
        },
    },
    { name: "first launch: empty volume", run: async (w) => w.launch(w.fake.addInstance(A).id) },
    {
        name: "later launch, no data: refuse",
        run: async (w) => {
            w.fake.asgTags.set(TAG.dataInitialized, "true");
            return w.launch(w.fake.addInstance(A).id);
        },
    },
    {
        name: "termination snapshot",
        run: async (w) => {
            const i = w.fake.addInstance(A);
            const v = live(w, A);
            w.fake.attachNow(v.id, i.id);
            w.fake.beginTermination(i.id);
            return w.terminate(i.id);
        },
    },
    {
        name: "duplicate launch event (2nd, late)",
        run: async (w) => {
            live(w, A);
            const i = w.fake.addInstance(B);
            const token = w.fake.openLifecycleAction(i.id);
            await w.launch(i.id, token);
            w.fake.calls.length = 0;
            return w.launch(i.id, token);
        },
    },
];

function count(c: Case, timing: FakeOptions, env: Record<string, string | undefined>): Promise<{ total: number; by: Record<string, number> }> {
    const w = world({ fake: timing, plug: "direct", env });
    return c
        .run(w)
        .then(() => ({ total: w.fake.calls.length, by: countBy(w.fake.calls) }))
        .finally(() => w.close());
}

async function main() {
    const full = bundleHandler();
    const slim = bundleHandler({ externalSdk: true });
    console.log("Lambda bundle (esbuild, node20, cjs, minified)");
    console.log(`  with the AWS SDK bundled (chosen): ${full.bytes} bytes (${(full.bytes / 1024).toFixed(1)} KiB)`);
    console.log(`  with @aws-sdk/* left to the runtime: ${slim.bytes} bytes (${(slim.bytes / 1024).toFixed(1)} KiB)`);
    console.log(`  target < 1.1 MB: ${full.bytes < 1_100_000 ? "met" : "NOT met"}`);

    const instant: FakeOptions = { snapshotMs: 0, volumeCreateMs: 0, attachMs: 0 };
    const typical: FakeOptions = { snapshotMs: 120_000, volumeCreateMs: 8_000, attachMs: 4_000 };
    const envs: [string, Record<string, string | undefined>][] = [
        ["EIP + DNS + SNS", {}],
        ["IPv6 only, no DNS, no SNS", { [ENV.elasticIpAllocationId]: undefined, [ENV.hostedZoneId]: undefined, [ENV.recordName]: undefined, [ENV.snsTopicArn]: undefined }],
    ];
    for (const [label, env] of envs) {
        console.log(`\nAWS API calls per case (${label}): instant EBS / typical EBS`);
        for (const c of cases) {
            const a = await count(c, instant, env);
            const b = await count(c, typical, env);
            const by = Object.entries(a.by)
                .map(([k, n]) => `${k}×${n}`)
                .join(" ");
            console.log(`  ${c.name.padEnd(40)} ${String(a.total).padStart(3)} / ${String(b.total).padStart(3)}   ${by}`);
        }
    }
}

void main();
