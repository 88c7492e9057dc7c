/**
 * Deliberately bad stacks, each through the real offline plan (`main` of the
 * plan command: config → program under mocks → cost → policies → exit
 * status), each failing the policy named for it. Two settings the config
 * cannot express at all (IMDSv1, a key the validator would refuse) are
 * planned from the real stack and then edited the way a hand-written
 * program would differ, then judged by the same policies.
 */
import { strict as assert } from "assert";
import { runPoliciesOffline } from "../../policy/offline";
import { main } from "../../stacks/plan-cli";
import { captureOutput, editedPolicyConfig, editedStackFile, planOfStack } from "../helpers/stacks";

async function planJson(stack: string, file: string, extra: string[] = []): Promise<{ code: number; doc: any; stderr: string }> {
    const { result, stdout, stderr } = await captureOutput(() => main(["--stack", stack, "--config", file, "--json", ...extra]));
    return { code: result, doc: stdout ? JSON.parse(stdout) : undefined, stderr };
}

function mandatoryPolicies(doc: any): string[] {
    return doc.policies.violations.filter((v: any) => v.level === "mandatory").map((v: any) => v.policy);
}

describe("bad stacks fail the named policy through the offline plan", function () {
    this.timeout(60000);

    it("an IPv4-only network without the platform reason fails ipv6-exemption-verified (exit 1)", async () => {
        // No hub: the spoke keeps its IPv4-only tag, but nothing attaches it to Virtual WAN.
        const { code, doc } = await planJson("dev", editedStackFile("dev", (c) => {
            c["landing-zone:azure"].spoke = { ipv4Cidr: "10.21.0.0/16", subnets: [{ name: "private" }] };
            delete c["landing-zone:wan"];
            delete c["landing-zone:sites"];
            delete c["landing-zone:vpnPreSharedKeys"];
        }));
        assert.equal(code, 1);
        const v = doc.policies.violations.filter((x: any) => x.policy === "ipv6-exemption-verified" && x.level === "mandatory");
        assert.ok(v.some((x: any) => x.resource.endsWith("::dev-spoke-vnet")), JSON.stringify(doc.policies));
    });

    // A NAT gateway in dev (cost-no-nat-gateway, exit 1): test/plan/diff.spec.ts plans it through the command once for both.

    it("an over-cap prod fails cost-monthly-cap with the real estimate (exit 1)", async () => {
        const policyConfig = editedPolicyConfig("prod", (p) => (p["cost-monthly-cap"].monthlyCapUsd = 600));
        const { code, doc } = await planJson("prod", editedStackFile("prod", () => undefined), ["--policy-config", policyConfig]);
        assert.equal(code, 1);
        assert.ok(doc.cost.monthly > 600);
        const cap = doc.policies.violations.find((v: any) => v.policy === "cost-monthly-cap");
        assert.equal(cap.level, "mandatory");
        assert.match(cap.message, /over this environment's cap of \$600\.00/);
        assert.match(cap.message, /VpnGateway/, "names the top cost lines");
    });

    it("an Azure location the catalogue has no prices for fails cost-monthly-cap instead of shrinking the estimate (exit 1)", async () => {
        // northeurope is a real location, just not in the price catalogue: the hub, gateway and connections are unpriced.
        const { code, doc } = await planJson("dev", editedStackFile("dev", (c) => (c["landing-zone:azure"].location = "northeurope")));
        assert.equal(code, 1);
        assert.deepEqual([...new Set(mandatoryPolicies(doc))], ["cost-monthly-cap"]);
        const cap = doc.policies.violations.find((v: any) => v.policy === "cost-monthly-cap" && v.level === "mandatory");
        assert.match(cap.message, /cannot be proven: \d+ resource\(s\) have no price/);
        assert.match(cap.message, /azure-native:network:VpnGateway "[^"]+" \(no catalogue price for [^)]* in northeurope\)/);
    });

    it("SSH open to ::/0 fails security-no-open-admin-ports on both families (exit 1)", async () => {
        const { code, doc } = await planJson("dev", editedStackFile("dev", (c) => c["landing-zone:azure"].vnet.subnets[1].allowInbound = [{ name: "ssh", protocol: "Tcp", ports: 22 }]));
        assert.equal(code, 1);
        assert.deepEqual([...new Set(mandatoryPolicies(doc))], ["security-no-open-admin-ports"]);
        const ssh = doc.policies.violations.filter((v: any) => v.policy === "security-no-open-admin-ports").map((v: any) => v.message);
        assert.equal(ssh.length, 2, "one per family's rule");
        assert.ok(ssh.some((m: string) => /allow-ssh-ipv4.*admin port 22\) to 0\.0\.0\.0\/0/.test(m)), ssh.join("\n"));
        assert.ok(ssh.some((m: string) => /allow-ssh-ipv6.*to ::\/0/.test(m)), ssh.join("\n"));
    });

    it("the server tier refuses port 22 in config before anything is planned (exit 2)", async () => {
        const { code, stderr } = await planJson("dev", editedStackFile("dev", (c) => c["landing-zone:server"].ingress.push({ name: "ssh", protocol: "tcp", ports: 22 })));
        assert.equal(code, 2);
        assert.match(stderr, /^landing-zone:server\.ingress\[2\]/m);
    });

    it("a short pre-shared key is a config error naming the site (exit 2)", async () => {
        // Plaintext in the file only for the test: the validator sees the key's length.
        const { code, stderr } = await planJson("dev", editedStackFile("dev", (c) => (c["landing-zone:vpnPreSharedKeys"] = { "head-office": "short-key" })));
        assert.equal(code, 2);
        assert.match(stderr, /^landing-zone:vpnPreSharedKeys\.head-office: .*20/m);
    });

    describe("what the config cannot express, judged by the same policies", () => {
        it("an IPv4-only subnet fails ipv6-subnet-64", async () => {
            const result = { run: await planOfStack("dev") };
            const subnet = result.run.resources.find((r) => r.type === "aws:ec2/subnet:Subnet")!;
            const resources = result.run.resources.map((r) => {
                if (r !== subnet) return r;
                const { ipv6CidrBlock: _v6, assignIpv6AddressOnCreation: _assign, ...inputs } = r.inputs;
                return { ...r, inputs };
            });
            const before = await runPoliciesOffline(result.run.resources, { env: "dev" });
            assert.ok(!before.violations.some((v) => v.policy === "ipv6-subnet-64" && v.level === "mandatory"), "the real subnets are dual-stack");
            const after = await runPoliciesOffline(resources, { env: "dev" });
            const v = after.violations.filter((x) => x.policy === "ipv6-subnet-64" && x.level === "mandatory");
            assert.deepEqual([...new Set(v.map((x) => x.resource))], [subnet.urn]);
            assert.ok(v.some((x) => /has no IPv6 block/.test(x.message)), JSON.stringify(v));
        });

        it("IMDSv1 on the launch template fails security-imdsv2", async () => {
            const result = { run: await planOfStack("dev") };
            const resources = result.run.resources.map((r) =>
                r.type === "aws:ec2/launchTemplate:LaunchTemplate"
                    ? { ...r, inputs: { ...r.inputs, metadataOptions: { ...(r.inputs.metadataOptions as object), httpTokens: "optional" } } }
                    : r,
            );
            const before = await runPoliciesOffline(result.run.resources, { env: "dev" });
            assert.ok(!before.violations.some((v) => v.policy === "security-imdsv2"), "the real template requires IMDSv2");
            const after = await runPoliciesOffline(resources, { env: "dev" });
            assert.ok(after.violations.some((v) => v.policy === "security-imdsv2" && v.level === "mandatory"));
        });

        it("a secret pre-shared key shorter than 20 characters fails security-vpn-ipsec", async () => {
            const result = { run: await planOfStack("dev") };
            const connection = result.run.resources.find((r) => r.type === "azure-native:network:VpnConnection")!;
            assert.equal((connection.inputs.vpnLinkConnections as any[])[0].sharedKey, "[secret]", "the plan never shows the key");
            const lengths = (n: number) => (r: any, p: string) => (r.urn === connection.urn && p.endsWith("sharedKey") ? n : r.secretLengths?.[p]);
            const ok = await runPoliciesOffline(result.run.resources, { env: "dev", secretLength: lengths(32) });
            assert.ok(!ok.violations.some((v) => v.policy === "security-vpn-ipsec"), JSON.stringify(ok.violations));
            const short = await runPoliciesOffline(result.run.resources, { env: "dev", secretLength: lengths(8) });
            assert.ok(short.violations.some((v) => v.policy === "security-vpn-ipsec" && v.level === "mandatory" && /20/.test(v.message)), JSON.stringify(short.violations));
        });
    });
});
