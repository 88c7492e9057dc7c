import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { failoverHandlerPolicy } from "../../components/aws/server-iam";
import { ofType } from "../helpers/record";
import { TYPES, buildServer } from "./fixtures";
import { Request, Statement, isAllowed } from "./iam-evaluator";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const vol = (id = "vol-0abc") => `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/${id}`;
const snap = (id = "snap-0abc") => `arn:aws:ec2:${REGION}::snapshot/${id}`;
const inst = (id = "i-0abc") => `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${id}`;
const TIER_DATA = { "landing-zone:tier": "test-app", "landing-zone:role": "data" };
const OTHER_DATA = { "landing-zone:tier": "prod-db", "landing-zone:role": "data" };

/** Read-only actions: the only ones allowed on "*". */
const READ_ONLY = /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$/;

/** The handler role's policy as deployed by the component (parsed from the RolePolicy input). */
async function deployedPolicy(overrides: Parameters<typeof buildServer>[0] = {}): Promise<{ Statement: Statement[] }> {
    const { resources } = await buildServer(overrides);
    const handlerRole = ofType(resources, TYPES.role).find((r) => JSON.parse(r.inputs.assumeRolePolicy).Statement[0].Principal.Service === "lambda.amazonaws.com")!;
    const policies = ofType(resources, TYPES.rolePolicy).filter((p) => p.inputs.role === handlerRole.name);
    assert.equal(policies.length, 1);
    return JSON.parse(policies[0].inputs.policy);
}

/** Every AWS API call in the handler's source, as an IAM action (`ec2:AttachVolume`). */
function handlerApiCalls(): string[] {
    const dir = path.join(__dirname, "..", "..", "components", "aws", "failover");
    const services: Record<string, string> = { "client-ec2": "ec2", "client-auto-scaling": "autoscaling", "client-route-53": "route53", "client-sns": "sns" };
    const actions = new Set<string>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
        const text = fs.readFileSync(path.join(dir, file), "utf8");
        for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*"@aws-sdk\/(client-[a-z0-9-]+)"/g)) {
            const service = services[m[2]];
            for (const name of m[1].split(",").map((s) => s.trim().split(/\s+as\s+/)[0])) {
                if (service && /Command$/.test(name) && new RegExp(`new ${name}\\(`).test(text)) actions.add(`${service}:${name.replace(/Command$/, "")}`);
            }
        }
    }
    return [...actions].sort();
}

describe("MultiAzServer IAM: the failover handler's role", () => {
    it("allows no action but reads on a \"*\" resource, and every non-read EC2 statement is tag-scoped or pinned to one ARN", async () => {
        const policy = await deployedPolicy({ elasticIp: true, dns: { hostedZoneId: "Z1EXAMPLE", recordName: "app.example.org", ttl: 60 } });
        for (const s of policy.Statement) {
            const actions = [s.Action].flat();
            const resources = [s.Resource].flat();
            const mutating = actions.filter((a) => !READ_ONLY.test(a));
            assert.ok(!actions.some((a) => a.includes("*")), `${s.Sid}: wildcard action`);
            if (mutating.length === 0) continue;
            assert.ok(!resources.includes("*"), `${s.Sid}: ${mutating.join(", ")} on "*"`);
            for (const r of resources) assert.ok(!/^arn:aws:[a-z0-9-]+:\*/.test(r) && !/:\*:\*/.test(r), `${s.Sid}: region/account wildcard in ${r}`);
            if (mutating.some((a) => a.startsWith("ec2:")) && resources.some((r) => r.endsWith("/*"))) {
                const keys = Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block));
                assert.ok(
                    keys.some((k) => k === "aws:ResourceTag/landing-zone:tier" || k === "aws:RequestTag/landing-zone:tier" || k === "ec2:CreateAction"),
                    `${s.Sid}: ${mutating.join(", ")} on ${resources.join(", ")} without a tier condition`,
                );
            }
        }
    });

    it("lets the handler act on this tier's data volumes, snapshots and instances, and on nothing of another tier", async () => {
        const policy = await deployedPolicy();
        const allow = (r: Request) => isAllowed(policy, r);
        const tierInstance = { "landing-zone:tier": "test-app", "landing-zone:role": "server" };
        // This tier: allowed.
        assert.ok(allow({ action: "ec2:AttachVolume", resource: vol(), resourceTags: TIER_DATA }));
        assert.ok(allow({ action: "ec2:AttachVolume", resource: inst(), resourceTags: tierInstance }));
        assert.ok(allow({ action: "ec2:CreateSnapshot", resource: vol(), resourceTags: TIER_DATA }));
        assert.ok(allow({ action: "ec2:CreateSnapshot", resource: snap(), requestTags: TIER_DATA }));
        assert.ok(allow({ action: "ec2:CreateVolume", resource: vol(), requestTags: TIER_DATA }));
        assert.ok(allow({ action: "ec2:CreateVolume", resource: snap(), resourceTags: TIER_DATA }));
        assert.ok(allow({ action: "ec2:DeleteVolume", resource: vol(), resourceTags: TIER_DATA }));
        assert.ok(allow({ action: "ec2:CreateTags", resource: vol(), context: { "ec2:CreateAction": "CreateVolume" } }));
        assert.ok(allow({ action: "ec2:CreateTags", resource: inst(), resourceTags: tierInstance, requestTags: { "landing-zone:data-volume-id": "vol-1" } }));
        // Another tier, or untagged: denied.
        for (const action of ["ec2:AttachVolume", "ec2:DetachVolume", "ec2:DeleteVolume", "ec2:CreateSnapshot"]) {
            assert.ok(!allow({ action, resource: vol(), resourceTags: OTHER_DATA }), `${action} on another tier's volume`);
            assert.ok(!allow({ action, resource: vol(), resourceTags: {} }), `${action} on an untagged volume`);
        }
        assert.ok(!allow({ action: "ec2:DeleteSnapshot", resource: snap(), resourceTags: OTHER_DATA }));
        // Snapshot deletion: only this tier's handler-made snapshots, never DLM's or another tier's.
        for (const origin of ["failover", "termination"]) {
            assert.ok(allow({ action: "ec2:DeleteSnapshot", resource: snap(), resourceTags: { ...TIER_DATA, "landing-zone:origin": origin } }), origin);
            assert.ok(!allow({ action: "ec2:DeleteSnapshot", resource: snap(), resourceTags: { ...OTHER_DATA, "landing-zone:origin": origin } }), `another tier's ${origin} snapshot`);
        }
        assert.ok(!allow({ action: "ec2:DeleteSnapshot", resource: snap(), resourceTags: { ...TIER_DATA, "landing-zone:origin": "schedule" } }), "a DLM snapshot");
        assert.ok(!allow({ action: "ec2:DeleteSnapshot", resource: snap(), resourceTags: TIER_DATA }), "a snapshot without an origin");
        assert.ok(!allow({ action: "ec2:DeleteSnapshot", resource: vol(), resourceTags: { ...TIER_DATA, "landing-zone:origin": "failover" } }), "not a snapshot ARN");
        // …and a DLM snapshot cannot be relabelled as the handler's first.
        assert.ok(!allow({ action: "ec2:CreateTags", resource: snap(), resourceTags: { ...TIER_DATA, "landing-zone:origin": "schedule" }, requestTags: { "landing-zone:origin": "failover" } }));
        assert.ok(!allow({ action: "ec2:AttachVolume", resource: inst(), resourceTags: { "landing-zone:tier": "prod-db" } }));
        // The root volume carries the tier but is not data: the handler may not delete or move it.
        assert.ok(!allow({ action: "ec2:DeleteVolume", resource: vol(), resourceTags: { "landing-zone:tier": "test-app", "landing-zone:role": "root" } }));
        // Snapshotting a foreign volume is refused even when the new snapshot would carry this tier's tags.
        assert.ok(!allow({ action: "ec2:CreateSnapshot", resource: vol(), resourceTags: OTHER_DATA, requestTags: TIER_DATA }));
        // Likewise restoring from a foreign snapshot into a volume tagged as this tier's.
        assert.ok(!allow({ action: "ec2:CreateVolume", resource: snap(), resourceTags: OTHER_DATA, requestTags: TIER_DATA }));
        // Creating an untagged (unscoped) volume is refused.
        assert.ok(!allow({ action: "ec2:CreateVolume", resource: vol(), requestTags: { Name: "x" } }));
        // The handler cannot move a resource into or out of the tier by retagging it.
        assert.ok(!allow({ action: "ec2:CreateTags", resource: vol(), resourceTags: TIER_DATA, requestTags: { "landing-zone:tier": "prod-db" } }));
        assert.ok(!allow({ action: "ec2:DeleteTags", resource: vol(), resourceTags: TIER_DATA, requestTags: { "landing-zone:role": "" } }));
        // Tag-on-create only for the handler's own create calls.
        assert.ok(!allow({ action: "ec2:CreateTags", resource: vol(), resourceTags: OTHER_DATA, context: { "ec2:CreateAction": "RunInstances" } }));
    });

    it("pins the Elastic IP, the group, the hosted zone record, the topic and the log group by ARN", async () => {
        const policy = await deployedPolicy({ elasticIp: true, dns: { hostedZoneId: "Z1EXAMPLE", recordName: "App.Example.org.", ttl: 60 } });
        const allow = (r: Request) => isAllowed(policy, r);
        const ownEip = policy.Statement.find((s) => s.Sid === "MoveElasticIp")!;
        const eipArn = [ownEip.Resource].flat()[0];
        assert.match(eipArn, /^arn:aws:ec2:us-east-1:123456789012:elastic-ip\/eipalloc-[0-9a-f]+$/);
        assert.ok(allow({ action: "ec2:AssociateAddress", resource: eipArn }));
        assert.ok(!allow({ action: "ec2:AssociateAddress", resource: `arn:aws:ec2:${REGION}:${ACCOUNT}:elastic-ip/eipalloc-0someoneelse` }));
        const group = `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:1234-5678:autoScalingGroupName/test-app`;
        assert.ok(allow({ action: "autoscaling:CompleteLifecycleAction", resource: group }));
        assert.ok(!allow({ action: "autoscaling:CompleteLifecycleAction", resource: group.replace(/test-app$/, "other") }));
        const zone = "arn:aws:route53:::hostedzone/Z1EXAMPLE";
        const change = (names: string[], types: string[]) => ({
            action: "route53:ChangeResourceRecordSets",
            resource: zone,
            context: { "route53:ChangeResourceRecordSetsNormalizedRecordNames": names, "route53:ChangeResourceRecordSetsRecordTypes": types, "route53:ChangeResourceRecordSetsActions": ["UPSERT"] },
        });
        assert.ok(allow(change(["app.example.org"], ["A", "AAAA"])));
        assert.ok(!allow(change(["www.example.org"], ["A"])), "another record in the zone");
        assert.ok(!allow(change(["app.example.org"], ["MX"])), "another record type");
        assert.ok(!allow({ ...change(["app.example.org"], ["A"]), resource: "arn:aws:route53:::hostedzone/ZOTHER" }));
        const logs = policy.Statement.find((s) => s.Sid === "OwnLogGroup")!;
        assert.deepEqual(logs.Resource, [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/test-app-failover:*`]);
        const sns = policy.Statement.find((s) => [s.Action].flat().includes("sns:Publish"))!;
        assert.deepEqual(sns.Resource, [`arn:aws:sns:${REGION}:${ACCOUNT}:test-app-alerts`]);
    });

    it("allows every AWS call the handler's code makes (and only reads on \"*\")", async () => {
        const policy = await deployedPolicy({ elasticIp: true, dns: { hostedZoneId: "Z1EXAMPLE", recordName: "app.example.org", ttl: 60 } });
        const calls = handlerApiCalls();
        assert.ok(calls.length >= 10, `found only ${calls.join(", ")}`);
        const granted = new Set(policy.Statement.flatMap((s) => [s.Action].flat()));
        for (const action of calls) assert.ok(granted.has(action), `the handler calls ${action} but its role does not allow it`);
        const onStar = policy.Statement.filter((s) => [s.Resource].flat().includes("*")).flatMap((s) => [s.Action].flat());
        for (const action of onStar) assert.match(action, READ_ONLY);
    });

    it("adds KMS use of the data volume key only when one is configured, and only on that key", () => {
        const base = { partition: "aws", region: REGION, accountId: ACCOUNT, tierName: "t", groupName: "t", snsTopicArn: "arn:aws:sns:us-east-1:123456789012:t", logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:x" };
        assert.ok(!failoverHandlerPolicy(base).Statement.some((s) => s.Action.some((a) => a.startsWith("kms:"))));
        const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        const withKey = failoverHandlerPolicy({ ...base, kmsKeyArn: key });
        const kms = withKey.Statement.filter((s) => s.Action.some((a) => a.startsWith("kms:")));
        assert.ok(kms.length > 0);
        for (const s of kms) assert.deepEqual(s.Resource, [key]);
        assert.ok(isAllowed(withKey, { action: "kms:CreateGrant", resource: key, context: { "kms:GrantIsForAWSResource": "true" } }));
        assert.ok(!isAllowed(withKey, { action: "kms:CreateGrant", resource: key }));
    });
});
