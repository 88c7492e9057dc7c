/**
 * WanHub and CrossCloudVpn as components under Pulumi mocks: secret outputs,
 * refusal before anything registers, and one write at a time on the gateway.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { planCrossCloudTunnels } from "../../components/addressing/tunnels";
import { CrossCloudVpn } from "../../components/aws/cross-cloud-vpn";
import { isNotFound, WanBranchSite, WanHub } from "../../components/azure/wan-hub";
import { LandingZoneMocks } from "../../stacks/plan/mocks";
import { whenSettled, withoutAliases } from "../../stacks/plan/run";
import { valueOf as output } from "../helpers/record";

/** As the offline plan declares resources: without the providers' aliases (stacks/plan/run.ts). */
const PLANNED = { transformations: [withoutAliases] };

interface Registration { type: string; name: string; dependencies: string[] }

/** Mocks that also record each registration and its explicit dependencies. */
async function recordingMocks(): Promise<Registration[]> {
    const registrations: Registration[] = [];
    await pulumi.runtime.setMocks(new LandingZoneMocks(), "landing-zone", "test", false);
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: { getType(): string; getName(): string; getDependenciesList(): string[] }, cb: unknown): void;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        registrations.push({ type: req.getType(), name: req.getName(), dependencies: req.getDependenciesList() });
        return register(req, cb);
    };
    return registrations;
}

function settled(registrations: Registration[]): Promise<void> {
    return whenSettled(() => registrations.length);
}

const site = (name: string, publicIp: string, range: string): WanBranchSite => ({
    name, publicIp, addressSpaces: [range], device: { vendor: "MikroTik", model: "RB5009" }, linkSpeedMbps: 100, ispName: "isp",
});
const SITES = [site("a", "49.255.1.1", "192.168.1.0/24"), site("b", "49.255.1.2", "192.168.2.0/24"), site("c", "49.255.1.3", "192.168.3.0/24")];
const baseArgs = {
    location: "australiaeast",
    resourceGroupName: "rg",
    type: "Standard" as const,
    hubPrefix: "10.200.0.0/23",
    sites: SITES,
};

describe("WanHub component", () => {
    it("keeps pre-shared keys secret on its outputs, even when handed plain strings", async () => {
        await recordingMocks();
        const hub = new WanHub("t", { ...baseArgs, preSharedKeys: { a: "a".repeat(24), b: "b".repeat(24), c: "c".repeat(24) } }, PLANNED);
        for (const s of SITES) {
            assert.strictEqual(await pulumi.isSecret(hub.preSharedKeys[s.name]), true);
            assert.strictEqual(await pulumi.isSecret(hub.routerSheets[s.name].preSharedKey), true);
            assert.strictEqual(await pulumi.isSecret(hub.routerSheets[s.name].hubPeers), false, "the rest of the sheet stays readable");
        }
        const peers = await output(hub.routerSheets.a.hubPeers);
        assert.deepStrictEqual(peers.map((p) => p.instance), ["Instance0", "Instance1"]);
        assert.ok(peers.every((p) => /^203\.0\.113\.\d+$/.test(p.publicIp) && /^10\.200\.0\.1[23]$/.test(p.bgpPeeringAddress)));
    });

    it("refuses a site without a key before registering anything", async () => {
        const registrations = await recordingMocks();
        assert.throws(() => new WanHub("t", { ...baseArgs, preSharedKeys: { a: "a".repeat(24), c: "c".repeat(24) } }), /site "b" has no pre-shared key/);
        await settled(registrations);
        assert.deepStrictEqual(registrations, []);
    });

    it("refuses, for direct callers, what the stack config would have caught: one line, nothing registered", async () => {
        const registrations = await recordingMocks();
        const keys = { a: "a".repeat(24), b: "b".repeat(24), c: "c".repeat(24) };
        const refused = (args: Partial<typeof baseArgs>, pattern: RegExp) => {
            assert.throws(() => new WanHub("t", { ...baseArgs, ...args, preSharedKeys: keys }), (err: Error) => {
                assert.match(err.message, pattern);
                assert.ok(!err.message.includes("\n"), "one line");
                return true;
            });
        };
        refused({ hubPrefix: "10.200.0.0/25" }, /hub prefix 10\.200\.0\.0\/25 must be a \/24 or larger/);
        refused({ hubPrefix: "10.200.0.1/23" }, /hub prefix: .*host bits/);
        refused({ sites: [SITES[0], { ...SITES[1], name: "a" }] }, /site "a" is listed twice/);
        refused({ sites: [{ ...SITES[0], publicIp: undefined }] }, /site "a" needs exactly one of publicIp or fqdn/);
        refused({ sites: [{ ...SITES[0], addressSpaces: [] }] }, /site "a" has neither LAN ranges nor BGP/);
        await settled(registrations);
        assert.deepStrictEqual(registrations, []);
    });

    it("writes the gateway's connections one after another", async () => {
        const registrations = await recordingMocks();
        const hub = new WanHub("t", {
            ...baseArgs,
            preSharedKeys: { a: "a".repeat(24), b: "b".repeat(24), c: "c".repeat(24) },
            spoke: { name: "spoke", vnetId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/spoke", ipv4Cidr: "10.51.0.0/16" },
        }, PLANNED);
        await output(hub.connectionIds.c);
        await settled(registrations);
        const depsOf = (name: string) => registrations.find((r) => r.name === name)!.dependencies.map((u) => u.split("::").pop());
        assert.ok(depsOf("t-hub-to-spoke").includes("t-vpngw"), "the spoke connection waits for the gateway");
        assert.ok(depsOf("t-conn-a").includes("t-hub-to-spoke"));
        assert.ok(depsOf("t-conn-b").includes("t-conn-a"));
        assert.ok(depsOf("t-conn-c").includes("t-conn-b"));
        assert.match(await output(hub.lastGatewayWrite.urn), /::t-conn-c$/, "later gateway writes chain after the last branch");
    });
});

describe("CrossCloudVpn component", () => {
    const tunnels = planCrossCloudTunnels();
    const instances = [{ instance: "Instance0", publicIp: "203.0.113.1" }, { instance: "Instance1", publicIp: "203.0.113.2" }];

    it("keeps tunnel keys secret and reports AWS's outside addresses", async () => {
        await recordingMocks();
        const vpn = new CrossCloudVpn("x", {
            vpcId: "vpc-1",
            routeTableIds: { public: "rtb-1", private: "rtb-2" },
            azureAsn: 65515,
            azureInstances: instances,
            tunnels,
            tunnelKeys: Object.fromEntries(tunnels.map((t) => [t.name, `k${t.name.replace(/-/g, "")}padding`])),
        });
        assert.strictEqual(vpn.tunnels.length, 4);
        for (const t of vpn.tunnels) {
            assert.strictEqual(await pulumi.isSecret(t.preSharedKey), true);
            assert.match(await output(t.outsideAddress), /^192\.0\.2\.\d+$/);
        }
    });

    it("refuses a tunnel without a key before registering anything", async () => {
        const registrations = await recordingMocks();
        assert.throws(() => new CrossCloudVpn("x", {
            vpcId: "vpc-1", routeTableIds: {}, azureAsn: 65515, azureInstances: instances, tunnels,
            tunnelKeys: { "instance0-tunnel1": "k1234567890" },
        }), /no pre-shared key for tunnel\(s\) instance0-tunnel2, instance1-tunnel1, instance1-tunnel2/);
        await settled(registrations);
        assert.deepStrictEqual(registrations, []);
    });
});

describe("custom BGP addresses on a new VPN gateway", () => {
    /** Mocks whose lookup of the gateway answers `found`; records the gateway's inputs. */
    async function gatewayInputs(found: boolean): Promise<Record<string, any>> {
        const mocks = new LandingZoneMocks();
        const gateways: Array<Record<string, any>> = [];
        await pulumi.runtime.setMocks({
            newResource: (args) => {
                if (args.type === "azure-native:network:VpnGateway") gateways.push(args.inputs);
                return mocks.newResource(args);
            },
            call: (args) => mocks.call(args),
        }, "landing-zone", "test", false);
        const lookups: string[] = [];
        const gatewayExists = async (rg: string, name: string) => (lookups.push(`${rg}/${name}`), found);
        const hub = new WanHub("t", { gatewayExists, ...baseArgs, preSharedKeys: { a: "a".repeat(24), b: "b".repeat(24), c: "c".repeat(24) }, customBgpAddresses: { Instance0: ["169.254.21.2"], Instance1: ["169.254.21.6"] } }, PLANNED);
        await output(hub.vpnGatewayId);
        for (let i = 0; i < 20 && gateways.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
        assert.deepStrictEqual(lookups, ["rg/t-vpngw"]);
        return gateways[0];
    }

    it("tells Azure's not-found answers from other errors", () => {
        assert.strictEqual(isNotFound(new Error("Invoke of 'azure-native:network:getVpnGateway' failed: Status=404 Code=\"ResourceNotFound\"")), true);
        assert.strictEqual(isNotFound(new Error("Code=\"ResourceGroupNotFound\" Message=\"Resource group 'rg' could not be found.\"")), true);
        assert.strictEqual(isNotFound(new Error("Status=403 Code=\"AuthorizationFailed\"")), false);
        assert.strictEqual(isNotFound(new Error("Status=429 Code=\"TooManyRequests\"")), false);
    });

    it("creates the gateway without them (Azure refuses them at create), under a name the program can look up", async () => {
        const inputs = await gatewayInputs(false);
        assert.strictEqual(inputs.gatewayName, "t-vpngw");
        assert.strictEqual(inputs.bgpSettings.asn, 65515);
        assert.strictEqual(inputs.bgpSettings.bgpPeeringAddresses, undefined);
    });

    it("sets them once the gateway exists (an in-place update on the next pulumi up)", async () => {
        const inputs = await gatewayInputs(true);
        assert.deepStrictEqual(inputs.bgpSettings.bgpPeeringAddresses, [
            { ipconfigurationId: "Instance0", customBgpIpAddresses: ["169.254.21.2"] },
            { ipconfigurationId: "Instance1", customBgpIpAddresses: ["169.254.21.6"] },
        ]);
    });
});
