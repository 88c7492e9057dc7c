/**
 * The baseline's components and pure pieces: the log archive's bucket policy
 * and destroy behaviour, and the server tier's TLS fragment and its IAM scope.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { LogArchive } from "../../components/aws/log-archive";
import { LOG_WRITERS, logArchivePolicy } from "../../components/aws/log-archive-policy";
import { acmeDnsPolicyStatements, certificatePaths, nginxTlsSite, serverTlsUserData, tlsSummary } from "../../components/aws/server-tls";
import { serverUserData } from "../../components/aws/server-user-data";
import { LandingZoneMocks } from "../../stacks/plan/mocks";
import { isAllowed } from "../server/iam-evaluator";
import { declare } from "../policy/helpers";
import { VnetFlowLogs } from "../../components/azure/vnet-flow-logs";
import { firstOfMonthUtc } from "../../components/azure/consumption-budget";

const params = { partition: "aws", region: "us-east-1", accountId: "123456789012", bucketArn: "arn:aws:s3:::logs", trailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/dev-audit", allowVersionDeletes: false };

describe("log archive", () => {
    it("the bucket policy refuses non-TLS access and writes by anyone but the two log services, each under its own prefix", () => {
        const doc = logArchivePolicy(params);
        const byId = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
        assert.deepEqual(byId.DenyInsecureTransport.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.deepEqual(byId.DenyInsecureTransport.Resource, ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]);
        assert.deepEqual(byId.DenyWritesButLogServices.Condition, { StringNotEqualsIfExists: { "aws:PrincipalServiceName": [...LOG_WRITERS] } });
        assert.deepEqual(byId.CloudTrailWrite.Resource, ["arn:aws:s3:::logs/cloudtrail/AWSLogs/123456789012/*"]);
        assert.equal(byId.CloudTrailWrite.Condition?.StringEquals["aws:SourceArn"], params.trailArn);
        assert.deepEqual(byId.FlowLogsWrite.Resource, ["arn:aws:s3:::logs/vpc-flow-logs/AWSLogs/123456789012/*"]);
        assert.equal(byId.FlowLogsWrite.Condition?.StringEquals["aws:SourceAccount"], "123456789012");
        const allows = doc.Statement.filter((s) => s.Effect === "Allow");
        assert.ok(allows.every((s) => typeof s.Principal === "object" && (LOG_WRITERS as readonly string[]).includes(s.Principal.Service)), "only the log services are allowed anything");
    });

    it("object versions cannot be deleted unless the config lets destroy delete the logs", () => {
        assert.ok(logArchivePolicy(params).Statement.some((s) => s.Sid === "DenyLogDeletion" && s.Action.includes("s3:DeleteObjectVersion")));
        assert.ok(!logArchivePolicy({ ...params, allowVersionDeletes: true }).Statement.some((s) => s.Sid === "DenyLogDeletion"));
    });

    it("pulumi destroy leaves the bucket and its logs by default (retainOnDelete, no forceDestroy); deleteOnDestroy deletes them", async () => {
        const seen: Record<string, { retain: boolean | undefined; forceDestroy: unknown }> = {};
        await pulumi.runtime.setMocks(new LandingZoneMocks("us-east-1"), "landing-zone", "test", false);
        const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: (e: unknown, r: unknown) => void): void };
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, cb) => {
            if (req.getType() === "aws:s3/bucket:Bucket") seen[req.getName()] = { retain: req.getRetainondelete(), forceDestroy: req.getObject()?.toJavaScript().forceDestroy };
            return register(req, cb);
        };
        const kept = new LogArchive("keep", { trailName: "t", coldAfterDays: 30, expireAfterDays: 365 });
        const gone = new LogArchive("gone", { trailName: "t", coldAfterDays: 30, expireAfterDays: 365, deleteOnDestroy: true });
        await new Promise<void>((resolve) => pulumi.all([kept.bucketArn, gone.bucketArn]).apply(() => resolve()));
        assert.deepEqual(seen["keep-log-archive"], { retain: true, forceDestroy: false });
        assert.deepEqual(seen["gone-log-archive"], { retain: false, forceDestroy: true });
        assert.throws(() => new LogArchive("bad", { trailName: "t", coldAfterDays: 90, expireAfterDays: 30 }), /expireAfterDays \(30\) must come after coldAfterDays \(90\)/);
    });
});

describe("Azure consumption budget", () => {
    it("starts on the first of the current UTC month (Azure refuses an earlier past month)", () => {
        assert.equal(firstOfMonthUtc(new Date("2026-11-29T23:59:00Z")), "2026-11-01T00:00:00Z");
        assert.equal(firstOfMonthUtc(new Date("2027-01-01T00:00:00Z")), "2027-01-01T00:00:00Z");
    });
});

describe("VNet flow logs", () => {
    it("go through Azure's automatic Network Watcher by default, or one created in the given group", async () => {
        const auto = await declare(() => new VnetFlowLogs("a", { location: "eastus", vnets: { one: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v1" }, storageAccountId: "sa", retentionDays: 30 }));
        assert.ok(!auto.some((r) => r.type === "azure-native:network:NetworkWatcher"));
        const log = auto.find((r) => r.type === "azure-native:network:FlowLog")!;
        assert.deepEqual([log.inputs.resourceGroupName, log.inputs.networkWatcherName, log.inputs.targetResourceId], ["NetworkWatcherRG", "NetworkWatcher_eastus", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v1"]);
        const own = await declare(() => new VnetFlowLogs("b", { location: "eastus", vnets: { one: "v1" }, storageAccountId: "sa", retentionDays: 30, createNetworkWatcherIn: "my-rg" }));
        const watcher = own.find((r) => r.type === "azure-native:network:NetworkWatcher")!;
        assert.equal(watcher.inputs.resourceGroupName, "my-rg");
        assert.equal(own.find((r) => r.type === "azure-native:network:FlowLog")!.inputs.resourceGroupName, "my-rg");
        assert.throws(() => new VnetFlowLogs("c", { location: "eastus", vnets: {}, storageAccountId: "sa", retentionDays: 30 }), /no VNets/);
    });
});

describe("server tier TLS", () => {
    const tls = { domain: "app.example.org", hostedZoneId: "Z0123", email: "ops@example.org", mountPoint: "/srv/data", systemdUnit: "nginx.service" };

    it("keeps the certificate on the data volume, so it follows the failover", () => {
        assert.deepEqual(certificatePaths(tls), {
            fullchain: "/srv/data/.landing-zone/letsencrypt/live/app.example.org/fullchain.pem",
            privkey: "/srv/data/.landing-zone/letsencrypt/live/app.example.org/privkey.pem",
        });
        const lines = serverTlsUserData(tls).join("\n");
        assert.match(lines, /--dns-route53 -d 'app\.example\.org'/);
        assert.match(lines, /--config-dir '\/srv\/data\/\.landing-zone\/letsencrypt'/);
        assert.match(lines, /--keep-until-expiring/);
        assert.match(lines, /acme-v02\.api\.letsencrypt\.org/);
        assert.match(serverTlsUserData({ ...tls, acmeDirectory: "staging" }).join("\n"), /acme-staging-v02/);
        assert.match(lines, /OnUnitActiveSec=12h/);
        assert.match(lines, /mountpoint -q '\/srv\/data' \|\| \{ echo "landing-zone: data volume not mounted; certificate left alone"; exit 0; \}/, "never writes to the root volume while the data is unmounted");
    });

    it("port 80 only redirects to HTTPS; 443 serves with the certificate", () => {
        const site = nginxTlsSite(tls);
        const [http, https] = site.split(/^server \{/m).slice(1);
        assert.deepEqual(http.trim().split("\n").map((l) => l.trim()).filter((l) => l && l !== "}"), [
            "listen 80 default_server;", "listen [::]:80 default_server;", "server_name _;", "return 301 https://$host$request_uri;",
        ]);
        assert.match(https, /listen \[::\]:443 ssl/);
        assert.match(https, /ssl_certificate \/srv\/data\/\.landing-zone\/letsencrypt\/live\/app\.example\.org\/fullchain\.pem;/);
    });

    it("runs after the data volume is mounted and before the app starts", () => {
        const script = serverUserData({ tierName: "t", deviceName: "/dev/sdf", mountPoint: "/srv/data", filesystem: "xfs", systemdUnit: "nginx.service", packages: ["nginx"], waitSeconds: 600, afterMount: serverTlsUserData(tls) });
        const mount = script.indexOf('mount "$MOUNT_POINT"');
        const cert = script.indexOf("/usr/local/sbin/landing-zone-tls ||");
        const start = script.indexOf('systemctl enable --now "$UNIT"');
        assert.ok(mount > 0 && mount < cert && cert < start, "mount, then certificate, then the app");
    });

    it("the instance may write only the _acme-challenge TXT record of its zone", () => {
        const policy = { Statement: acmeDnsPolicyStatements({ partition: "aws", hostedZoneId: "/hostedzone/Z0123", domain: "App.Example.org." }) };
        const change = (name: string, type = "TXT", action = "UPSERT", zone = "Z0123") => isAllowed(policy, {
            action: "route53:ChangeResourceRecordSets",
            resource: `arn:aws:route53:::hostedzone/${zone}`,
            context: { "route53:ChangeResourceRecordSetsNormalizedRecordNames": [name], "route53:ChangeResourceRecordSetsRecordTypes": [type], "route53:ChangeResourceRecordSetsActions": [action] },
        });
        assert.ok(change("_acme-challenge.app.example.org"));
        assert.ok(change("_acme-challenge.app.example.org", "TXT", "DELETE"));
        assert.ok(!change("app.example.org", "A"), "not the service record");
        assert.ok(!change("_acme-challenge.other.example.org"), "not another name's challenge");
        assert.ok(!change("_acme-challenge.app.example.org", "CNAME"));
        assert.ok(!change("_acme-challenge.app.example.org", "TXT", "UPSERT", "ZOTHER"), "not another zone");
        assert.ok(isAllowed(policy, { action: "route53:GetChange", resource: "arn:aws:route53:::change/C123" }));
    });

    it("the plan says plainly when the tier is HTTP only", () => {
        assert.match(tlsSummary(undefined), /^HTTP only: the tier has no DNS name/);
        assert.match(tlsSummary({ domain: "app.example.org", hostedZoneId: "Z1" }), /^HTTPS: .*port 80 redirects to HTTPS/);
    });
});
