import { strict as assert } from "assert";
import { instanceArchitecture } from "../../components/aws/server-instance-types";
import { resolveConfig } from "../../stacks/config/resolve";
import { acceptedConfigOf, rawConfigOf } from "../helpers/stacks";

function problemsOf(mutate: (server: Record<string, any>, raw: Record<string, any>) => void): string[] {
    const raw = rawConfigOf("dev");
    mutate(raw.server, raw);
    const result = resolveConfig(raw);
    assert.equal(result.ok, false, "expected the config to be rejected");
    return (result as { problems: string[] }).problems;
}

/** One problem line names `landing-zone:server.<key>` and matches `pattern`; every line is one line of the usual shape. */
function expectProblem(problems: string[], key: string, pattern: RegExp) {
    for (const line of problems) {
        assert.match(line, /^landing-zone:[^\s:]*: \S/, `malformed problem line: ${line}`);
        assert.ok(!line.includes("\n"), `multi-line problem: ${line}`);
    }
    assert.ok(
        problems.some((p) => p.startsWith(`landing-zone:server.${key}: `) && pattern.test(p)),
        `no problem for server.${key} matching ${pattern}; got:\n${problems.join("\n")}`,
    );
}

describe("config: landing-zone:server", () => {
    it("reads the real dev (Spot, IPv6 only) and prod (on-demand, Elastic IP, DNS) blocks", () => {
        const dev = acceptedConfigOf(() => {}).server!;
        assert.equal(dev.tierName, "dev-app");
        assert.equal(dev.market, "spot");
        assert.equal(dev.capacityRebalance, true);
        assert.equal(dev.architecture, "arm64");
        assert.ok(dev.instanceTypes.length >= 2);
        assert.equal(dev.elasticIp, false);
        assert.equal(dev.subnetTier, "public");
        assert.deepEqual(dev.ingress.map((r) => r.fromPort).sort(), [443, 80]);
        const prod = acceptedConfigOf(() => {}, "prod").server!;
        assert.equal(prod.market, "on-demand");
        assert.equal(prod.capacityRebalance, false);
        assert.equal(prod.elasticIp, true);
        assert.deepEqual(prod.dns, { hostedZoneId: "Z04517273EXAMPLEPROD", recordName: "app.example.org", ttl: 60 });
        assert.equal(prod.snapshots.intervalHours, 1);
    });

    it("applies budget and production defaults to a bare block", () => {
        const budget = acceptedConfigOf((raw) => { raw.server = {}; }).server!;
        assert.equal(budget.tierName, "dev-server");
        assert.equal(budget.market, "spot");
        assert.equal(budget.spotAllocationStrategy, "price-capacity-optimized");
        assert.deepEqual(budget.instanceTypes, ["t4g.small", "t4g.micro"]);
        assert.equal(budget.elasticIp, false);
        assert.deepEqual(budget.snapshots, { intervalHours: 4, retainCount: 12, startTime: "03:00" });
        assert.deepEqual(budget.ingress, [], "nothing open unless named");
        assert.equal(budget.healthCheckGracePeriodSeconds, 300);
        assert.deepEqual(budget.dataVolume, { sizeGiB: 20, iops: 3000, throughputMiBps: 125, mountPoint: "/srv/data", filesystem: "xfs" });
        assert.deepEqual(budget.failover, {
            snapshotWaitTimeoutSeconds: 600,
            volumeWaitTimeoutSeconds: 300,
            supersededVolumeRetention: 1,
            handlerSnapshotRetention: 3,
            restoreAfterUnreachableMinutes: 30,
            quiesceWaitSeconds: 60,
            logRetentionDays: 30,
        });
        // The link would need its key seed; this test is about the server defaults.
        const production = acceptedConfigOf((raw) => { raw.server = {}; raw.profile = "production"; raw.wan.crossCloudLink = false; }).server!;
        assert.equal(production.market, "on-demand");
        assert.equal(production.capacityRebalance, false);
        assert.equal(production.elasticIp, true);
        assert.deepEqual(production.snapshots, { intervalHours: 1, retainCount: 72, startTime: "03:00" });
        for (const type of production.instanceTypes) assert.equal(instanceArchitecture(type), "arm64");
        // Private subnets: no Elastic IP by default even in production (it could not be reached).
        assert.equal(acceptedConfigOf((raw) => { raw.server = { subnetTier: "private" }; raw.profile = "production"; raw.wan.crossCloudLink = false; }).server!.elasticIp, false);
        assert.equal(acceptedConfigOf((raw) => { delete raw.server; }).server, undefined, "no block, no tier");
    });

    it("takes x86_64 types and ranges of ports", () => {
        const s = acceptedConfigOf((raw) => { raw.server.instanceTypes = ["t3.small", "t3a.small"]; raw.server.ingress = [{ name: "app", ports: "8000-8100" }]; }).server!;
        assert.equal(s.architecture, "x86_64");
        assert.deepEqual(s.ingress, [{ name: "app", protocol: "tcp", fromPort: 8000, toPort: 8100 }]);
    });

    it("refuses ingress rules whose ports overlap (AWS would refuse the duplicate permission at deploy)", () => {
        expectProblem(problemsOf((s) => { s.ingress = [{ name: "a", protocol: "tcp", ports: 443 }, { name: "b", protocol: "tcp", ports: "400-500" }]; }), "ingress[1].ports", /overlaps 443 of ingress\[0\] \("a"\)/);
        assert.doesNotThrow(() => acceptedConfigOf((raw) => { raw.server.ingress = [{ name: "a", protocol: "tcp", ports: 443 }, { name: "b", protocol: "udp", ports: 443 }]; }));
    });

    it("refuses instance types that mix architectures, or are not instance types, or repeat", () => {
        expectProblem(problemsOf((s) => { s.instanceTypes = ["t4g.small", "t3.small"]; }), "instanceTypes", /mixes arm64 \(t4g\.small\) and x86_64 \(t3\.small\)/);
        expectProblem(problemsOf((s) => { s.instanceTypes = ["small"]; }), "instanceTypes[0]", /EC2 instance type/);
        expectProblem(problemsOf((s) => { s.instanceTypes = ["t4g.small", "t4g.small"]; }), "instanceTypes[1]", /listed twice/);
        expectProblem(problemsOf((s) => { s.instanceTypes = []; }), "instanceTypes", /at least one/);
    });

    it("refuses a snapshot schedule DLM would not run, or one that keeps nothing", () => {
        expectProblem(problemsOf((s) => { s.snapshots.intervalHours = 5; }), "snapshots.intervalHours", /1, 2, 3, 4, 6, 8, 12, 24/);
        expectProblem(problemsOf((s) => { s.snapshots.intervalHours = 48; }), "snapshots.intervalHours", /Data Lifecycle Manager/);
        expectProblem(problemsOf((s) => { s.snapshots.retainCount = 0; }), "snapshots.retainCount", /at least 1/);
        expectProblem(problemsOf((s) => { s.snapshots.startTime = "25:00"; }), "snapshots.startTime", /hh:mm/);
    });

    it("refuses a data volume outside gp3's range and ratios", () => {
        expectProblem(problemsOf((s) => { s.dataVolume.sizeGiB = 70000; }), "dataVolume.sizeGiB", /at most 65536 GiB/);
        expectProblem(problemsOf((s) => { s.dataVolume.sizeGiB = 0; }), "dataVolume.sizeGiB", /at least 1 GiB/);
        expectProblem(problemsOf((s) => { s.dataVolume.iops = 2000; }), "dataVolume.iops", /at least 3000/);
        expectProblem(problemsOf((s) => { s.dataVolume.sizeGiB = 8; s.dataVolume.iops = 5000; }), "dataVolume.iops", /500 IOPS per GiB \(4000 for 8 GiB\)/);
        expectProblem(problemsOf((s) => { s.dataVolume.throughputMiBps = 1000; }), "dataVolume.throughputMiBps", /0\.25 MiB\/s per IOPS \(750 for 3000 IOPS\)/);
        expectProblem(problemsOf((s) => { s.dataVolume.mountPoint = "/etc/app"; }), "dataVolume.mountPoint", /system directory/);
        expectProblem(problemsOf((s) => { s.dataVolume.mountPoint = "data; rm -rf /"; }), "dataVolume.mountPoint", /absolute path/);
        expectProblem(problemsOf((s) => { s.dataVolume.kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab"; }), "dataVolume.kmsKeyArn", /eu-west-1.*us-east-1/);
    });

    it("refuses a grace period under 60 s, a bad email, a bad unit or package name, and an unknown key", () => {
        expectProblem(problemsOf((s) => { s.healthCheckGracePeriodSeconds = 30; }), "healthCheckGracePeriodSeconds", /at least 60 seconds/);
        expectProblem(problemsOf((s) => { s.alertEmail = "platform-team"; }), "alertEmail", /email address/);
        expectProblem(problemsOf((s) => { s.app.systemdUnit = "nginx"; }), "app.systemdUnit", /systemd unit name/);
        expectProblem(problemsOf((s) => { s.app.packages = ["nginx && curl evil"]; }), "app.packages[0]", /package name/);
        expectProblem(problemsOf((s) => { s.instanceType = ["t4g.small"]; }), "instanceType", /unknown key; did you mean "instanceTypes"/);
        expectProblem(problemsOf((s) => { s.failover = { logRetentionDays: 2 }; }), "failover.logRetentionDays", /retention period/);
        expectProblem(problemsOf((s) => { s.failover = { volumeWaitTimeoutSeconds: 1000 }; }), "failover.volumeWaitTimeoutSeconds", /900/);
        expectProblem(problemsOf((s) => { s.failover = { handlerSnapshotRetention: 0 }; }), "failover.handlerSnapshotRetention", /at least 1/);
        expectProblem(problemsOf((s) => { s.failover = { handlerSnapshotRetention: 2.5 }; }), "failover.handlerSnapshotRetention", /integer/);
        expectProblem(problemsOf((s) => { s.failover = { restoreAfterUnreachableMinutes: 10081 }; }), "failover.restoreAfterUnreachableMinutes", /at most 10080 minutes/);
        expectProblem(problemsOf((s) => { s.failover = { restoreAfterUnreachableMinutes: -1 }; }), "failover.restoreAfterUnreachableMinutes", /at least 0/);
        expectProblem(problemsOf((s) => { s.failover = { restoreAfterUnreachableMinutes: 1.5 }; }), "failover.restoreAfterUnreachableMinutes", /integer/);
        expectProblem(problemsOf((s) => { s.failover = { quiesceWaitSeconds: 601 }; }), "failover.quiesceWaitSeconds", /at most 600 seconds/);
        expectProblem(problemsOf((s) => { s.failover = { quiesceWaitSeconds: "60" }; }), "failover.quiesceWaitSeconds", /number/);
    });

    it("never opens port 22, refuses inverted ranges and duplicate rule names", () => {
        expectProblem(problemsOf((s) => { s.ingress = [{ name: "ssh", ports: 22 }]; }), "ingress[0].ports", /port 22 \(SSH\).*Session Manager/);
        expectProblem(problemsOf((s) => { s.ingress = [{ name: "low", ports: "20-25" }]; }), "ingress[0].ports", /port 22/);
        expectProblem(problemsOf((s) => { s.ingress = [{ name: "back", ports: "90-80" }]; }), "ingress[0].ports", /not a port range/);
        expectProblem(problemsOf((s) => { s.ingress = [{ name: "web", ports: 80 }, { name: "web", ports: 443 }]; }), "ingress[1].name", /used twice/);
        // UDP 22 is not SSH.
        assert.ok(acceptedConfigOf((raw) => { raw.server.ingress = [{ name: "udp22", protocol: "udp", ports: 22 }]; }).server);
    });

    it("refuses an Elastic IP in private subnets, capacity rebalancing without Spot, bad DNS and an over-long tier name", () => {
        expectProblem(problemsOf((s) => { s.subnetTier = "private"; s.elasticIp = true; }), "elasticIp", /private subnet/);
        expectProblem(problemsOf((s) => { s.market = "on-demand"; s.capacityRebalance = true; }), "capacityRebalance", /only replaces Spot/);
        expectProblem(problemsOf((s) => { s.dns = { hostedZoneId: "abc", recordName: "app.example.org" }; }), "dns.hostedZoneId", /hosted zone id/);
        expectProblem(problemsOf((s) => { s.dns = { hostedZoneId: "Z1ABC", recordName: "not a name" }; }), "dns.recordName", /fully qualified/);
        expectProblem(problemsOf((s, raw) => { raw.environment = "a-very-long-environment-name-x"; s.name = "and-a-long-server"; }), "name", /longer than 40/);
        expectProblem(problemsOf((s) => { s.name = "App"; }), "name", /lowercase/);
    });
});
