/**
 * Boots the real pack (policy/index.ts, as `pulumi preview --policy-pack policy`
 * would: cwd policy/, the repository's node_modules) and talks to it over the
 * analyzer gRPC protocol the engine uses, to prove that what the offline
 * engine reports is what CrossGuard reports: same policies, same levels,
 * unknown values advisory, secrets arriving unwrapped.
 *
 * About a second (the pack starts in a child process, compiled by the specs'
 * cached transpile-only loader); on by default, skipped with
 * LZ_POLICY_SERVER_TEST=0 (e.g. where ports are not allowed).
 */
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";

const enabled = process.env.LZ_POLICY_SERVER_TEST !== "0";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved from @pulumi/pulumi's own dependency tree at run time
const fromPulumi = (id: string) => require(require.resolve(id, { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }));
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

(enabled ? describe : describe.skip)("policy pack under the CrossGuard analyzer protocol", function () {
    this.timeout(60000);

    let child: ChildProcess;
    let client: any;
    const pb = fromPulumi("@pulumi/pulumi/proto/analyzer_pb.js");
    const struct = fromPulumi("google-protobuf/google/protobuf/struct_pb.js");

    before(async () => {
        // The specs' loader: ts-node's transpile-only compile, cached (a second less than ts-node itself).
        child = spawn(process.execPath, ["-r", path.join(__dirname, "..", "..", "stacks", "plan", "lazy-sdk-modules.js"), "-r", path.join(__dirname, "..", "register.js"), "index.ts"], { cwd: path.join(__dirname, "..", "..", "policy") });
        const port = await new Promise<string>((resolve, reject) => {
            child.stdout!.once("data", (d) => resolve(String(d).trim()));
            child.once("exit", (code) => reject(new Error(`pack exited with ${code}`)));
        });
        const grpc = fromPulumi("@grpc/grpc-js");
        const services = fromPulumi("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
        client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });
    after(() => {
        client?.close();
        child?.kill();
    });

    const call = (method: string, req: unknown) => new Promise<any>((resolve, reject) => client[method](req, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))));
    const options = () => {
        const o = new pb.AnalyzerResourceOptions();
        o.setCustomtimeouts(new pb.AnalyzerResourceOptions.CustomTimeouts());
        return o;
    };
    const diagnostics = (response: any) =>
        response.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel() === 1 ? "mandatory" : "advisory", message: d.getMessage() as string }));
    /** Fills an AnalyzeRequest or an AnalyzerResource (same setters) the way the engine does. */
    const fill = <T>(target: T, type: string, name: string, props: object): T => {
        const t = target as any;
        t.setType(type);
        t.setName(name);
        t.setUrn(`urn:pulumi:dev::landing-zone::${type}::${name}`);
        t.setProperties(struct.Struct.fromJavaScript(props));
        t.setOptions(options());
        return target;
    };
    const analyze = async (type: string, name: string, props: object) => diagnostics(await call("analyze", fill(new pb.AnalyzeRequest(), type, name, props)));

    it("reports a mandatory IPv6 violation with the policy's description and the fix", async () => {
        const d = await analyze("aws:ec2/vpc:Vpc", "v4", { cidrBlock: "10.0.0.0/16" });
        assert.deepEqual(d.map((x: any) => [x.policy, x.level]), [["ipv6-vpc-block", "mandatory"]]);
        assert.match(d[0].message, /Every VPC has an IPv6 block[\s\S]*assignGeneratedIpv6CidrBlock: true/);
    });

    it("turns a value unknown at preview into an advisory", async () => {
        const d = await analyze("aws:ec2/subnet:Subnet", "s", { cidrBlock: "10.0.0.0/24", ipv6CidrBlock: UNKNOWN, assignIpv6AddressOnCreation: true });
        assert.deepEqual(d.map((x: any) => [x.policy, x.level]), [["ipv6-subnet-64", "advisory"]]);
        assert.match(d[0].message, /\.ipv6CidrBlock can't be known during preview/);
    });

    it("sees secrets unwrapped and checks the PSK length", async () => {
        const d = await analyze("azure-native:network:VpnConnection", "site", {
            vpnLinkConnections: [{ vpnConnectionProtocolType: "IKEv2", sharedKey: SECRET("too-short"), ipsecPolicies: [{ ikeEncryption: "AES256", ikeIntegrity: "SHA256", ipsecEncryption: "AES256", ipsecIntegrity: "SHA256", dhGroup: "DHGroup14", pfsGroup: "PFS2048", saLifeTimeSeconds: 3600, saDataSizeKilobytes: 102400000 }] }],
        });
        assert.equal(d.length, 1);
        assert.match(d[0].message, /sharedKey is 9 characters; use at least 20/);
    });

    it("runs stack policies, with per-violation advisory levels for unknown references", async () => {
        const req = new pb.AnalyzeStackRequest();
        const resource = (type: string, name: string, props: object) => fill(new pb.AnalyzerResource(), type, name, props);
        req.setResourcesList([
            resource("azure-native:network:VirtualNetwork", "spoke", { addressSpace: { addressPrefixes: ["10.21.0.0/16"] }, tags: { "landing-zone:ipv4-only-reason": "platform limit: Virtual WAN" }, name: "spoke1a2b3c4d" }),
            resource("azure-native:network:HubVirtualNetworkConnection", "conn", { remoteVirtualNetwork: { id: UNKNOWN } }),
            resource("aws:ec2/eip:Eip", "spare", { domain: "vpc", allocationId: "eipalloc-1" }),
        ]);
        const d = diagnostics(await call("analyzeStack", req));
        const by = (p: string) => d.filter((x: any) => x.policy === p);
        assert.equal(by("ipv6-exemption-verified")[0].level, "advisory");
        assert.match(by("ipv6-exemption-verified")[0].message, /^cannot check yet:/);
        assert.equal(by("cost-no-idle-eip")[0].level, "mandatory");
    });
});
