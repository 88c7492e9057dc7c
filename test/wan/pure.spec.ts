/**
 * The pure parts: the tunnel addressing plan, the IPsec policy on each side,
 * and the tunnel key derivation.
 */
import * as assert from "assert";
import * as fc from "fast-check";
import { ipv4 } from "../../components/addressing";
import {
    AWS_RESERVED_INSIDE_CIDRS,
    customBgpAddressesByInstance,
    inTunnelRange,
    isAzureApipaAddress,
    planCrossCloudTunnels,
} from "../../components/addressing/tunnels";
import { deriveTunnelKey, isValidAwsTunnelKey } from "../../components/aws/vpn-tunnel-keys";
import { awsTunnelIpsec, azureIpsecPolicy, routerIpsecSheet } from "../../components/azure/vpn-ipsec";
import { gatewayInstancesOf } from "../../components/azure/wan-hub";

describe("cross-cloud tunnel plan", () => {
    const tunnels = planCrossCloudTunnels();

    it("plans two tunnels per Azure gateway instance, each a distinct /30 Azure and AWS both accept", () => {
        assert.strictEqual(tunnels.length, 4);
        assert.deepStrictEqual(tunnels.map((t) => [t.azureInstance, t.tunnelNumber]), [["Instance0", 1], ["Instance0", 2], ["Instance1", 1], ["Instance1", 2]]);
        assert.strictEqual(new Set(tunnels.map((t) => t.insideCidr)).size, 4);
        for (const t of tunnels) {
            const n = ipv4(t.insideCidr);
            assert.strictEqual(n.prefixLength, 30);
            assert.ok(isAzureApipaAddress(t.azureInsideAddress) && isAzureApipaAddress(t.awsInsideAddress));
            assert.ok(!AWS_RESERVED_INSIDE_CIDRS.some((r) => ipv4(r).first <= n.last && n.first <= ipv4(r).last));
            // AWS takes the first host, the customer (Azure) side the second.
            assert.strictEqual(ipv4(`${t.awsInsideAddress}/32`).first, n.first + 1);
            assert.strictEqual(ipv4(`${t.azureInsideAddress}/32`).first, n.first + 2);
        }
    });

    it("lists each instance's custom BGP addresses for the gateway", () => {
        assert.deepStrictEqual(customBgpAddressesByInstance(tunnels), {
            Instance0: ["169.254.21.2", "169.254.21.6"],
            Instance1: ["169.254.21.10", "169.254.21.14"],
        });
    });

    it("refuses a block outside Azure's APIPA range", () => {
        assert.throws(() => planCrossCloudTunnels("169.254.30.0/24"), /169\.254\.21\.0–169\.254\.22\.255/);
        assert.throws(() => planCrossCloudTunnels("169.254.22.252/30"), /cannot hold 4/);
        assert.doesNotThrow(() => planCrossCloudTunnels("169.254.22.0/28"));
    });

    it("finds the tunnel an address belongs to", () => {
        assert.strictEqual(inTunnelRange(tunnels, "169.254.21.13")?.name, "instance1-tunnel2");
        assert.strictEqual(inTunnelRange(tunnels, "169.254.21.16"), undefined);
        assert.strictEqual(inTunnelRange(tunnels, "999.1.1.1"), undefined);
    });
});

describe("IPsec policy", () => {
    it("uses GCM integrity with GCM encryption on Azure, and matching PFS groups", () => {
        const gcm = azureIpsecPolicy({ encryption: "GCMAES256", dhGroup: "ECP384", saLifeTimeSeconds: 3600, saDataSizeKilobytes: 102400000 });
        assert.strictEqual(gcm.ipsecIntegrity, "GCMAES256");
        assert.strictEqual(gcm.ikeIntegrity, "SHA256");
        assert.strictEqual(gcm.pfsGroup, "ECP384");
        const cbc = azureIpsecPolicy({ encryption: "AES256", dhGroup: "DHGroup24", saLifeTimeSeconds: 900, saDataSizeKilobytes: 1024 });
        assert.strictEqual(cbc.ipsecIntegrity, "SHA256");
        assert.strictEqual(cbc.pfsGroup, "PFS24");
        assert.strictEqual(azureIpsecPolicy({ encryption: "AES256", dhGroup: "DHGroup14", saLifeTimeSeconds: 900, saDataSizeKilobytes: 1024 }).pfsGroup, "PFS2048");
    });

    it("maps to AWS tunnel options with IANA group numbers, and refuses lifetimes AWS cannot take", () => {
        const aws = awsTunnelIpsec({ encryption: "GCMAES256", dhGroup: "ECP384", saLifeTimeSeconds: 1800, saDataSizeKilobytes: 1024 });
        assert.deepStrictEqual(aws.phase1EncryptionAlgorithms, ["AES256-GCM-16"]);
        assert.deepStrictEqual(aws.phase1DhGroupNumbers, [20]);
        assert.deepStrictEqual(aws.phase2DhGroupNumbers, [20]);
        assert.strictEqual(aws.phase1LifetimeSeconds, 28800);
        assert.strictEqual(aws.phase2LifetimeSeconds, 1800);
        assert.throws(() => awsTunnelIpsec({ encryption: "AES256", dhGroup: "ECP256", saLifeTimeSeconds: 300, saDataSizeKilobytes: 1024 }), /900–3600/);
    });

    it("describes the policy in router terms", () => {
        const sheet = routerIpsecSheet({ encryption: "GCMAES256", dhGroup: "ECP256", saLifeTimeSeconds: 3600, saDataSizeKilobytes: 102400000 });
        assert.strictEqual(sheet.phase1.dhGroup, "ECP256 (group 19)");
        assert.strictEqual(sheet.phase2.encryption, "AES-256-GCM");
        assert.strictEqual(sheet.phase2.pfsGroup, sheet.phase1.dhGroup);
    });
});

describe("tunnel key derivation", () => {
    it("gives every tunnel its own AWS-valid key, stable for a seed and changing with it", () => {
        fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.string({ minLength: 1, maxLength: 80 }), (seed, other) => {
            const a = deriveTunnelKey(seed, "prod", "instance0-tunnel1");
            assert.ok(isValidAwsTunnelKey(a));
            assert.strictEqual(a, deriveTunnelKey(seed, "prod", "instance0-tunnel1"));
            assert.notStrictEqual(a, deriveTunnelKey(seed, "prod", "instance0-tunnel2"));
            assert.notStrictEqual(a, deriveTunnelKey(seed, "dev", "instance0-tunnel1"));
            if (other !== seed) assert.notStrictEqual(a, deriveTunnelKey(other, "prod", "instance0-tunnel1"));
        }));
    });

    it("knows what AWS accepts", () => {
        assert.ok(!isValidAwsTunnelKey("0abcdefgh"));
        assert.ok(!isValidAwsTunnelKey("short"));
        assert.ok(!isValidAwsTunnelKey("has-a-dash-in-it"));
        assert.ok(isValidAwsTunnelKey("abc.def_123"));
    });
});

describe("gateway instances from the VPN gateway's outputs", () => {
    it("matches public IPs and BGP addresses by instance, whatever the order", () => {
        const instances = gatewayInstancesOf(
            [{ id: "Instance1", publicIpAddress: "20.0.0.2" }, { id: "Instance0", publicIpAddress: "20.0.0.1" }],
            {
                asn: 65515,
                bgpPeeringAddresses: [
                    { ipconfigurationId: "Instance0", defaultBgpIpAddresses: ["10.0.0.12"], customBgpIpAddresses: ["169.254.21.2"], tunnelIpAddresses: ["20.0.0.1"] },
                    { ipconfigurationId: "Instance1", defaultBgpIpAddresses: ["10.0.0.13"], customBgpIpAddresses: [], tunnelIpAddresses: ["20.0.0.2"] },
                ],
            },
        );
        assert.deepStrictEqual(instances, [
            { instance: "Instance0", publicIp: "20.0.0.1", bgpPeeringAddress: "10.0.0.12", customBgpAddresses: ["169.254.21.2"] },
            { instance: "Instance1", publicIp: "20.0.0.2", bgpPeeringAddress: "10.0.0.13", customBgpAddresses: [] },
        ]);
    });
});
