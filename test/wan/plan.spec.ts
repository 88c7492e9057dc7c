/**
 * The whole program under the real dev and prod stack files, through the
 * offline plan: the hub, a site and a connection per branch, secrets kept
 * secret, the spoke attached, and the cross-cloud link only where it is on.
 */
import * as assert from "assert";
import { ipv4 } from "../../components/addressing";
import { SECRET } from "../../stacks/plan/run";
import { editedStack, Loose, plan, planOf, rawConfig, stackConfig, T } from "./helpers";

const AWS_TYPES = [T.awsVgw, T.awsPropagation, T.awsCgw, T.awsVpn];

for (const stack of ["dev", "prod"] as const) {
    describe(`WAN in the ${stack} plan`, () => {
        const raw = rawConfig(stack);
        const sites = raw.sites as Array<{ name: string; publicIp: string; addressSpaces: string[]; bgp?: { asn: number; peeringAddress: string }; linkSpeedMbps: number }>;
        const wan = raw.wan as { hubPrefix: string; vpnScaleUnits?: number };

        it("builds one Virtual WAN, one hub in the planned prefix and one VPN gateway with BGP 65515", async () => {
            const p = await planOf(stack);
            assert.strictEqual(p.ofType(T.virtualWan).length, 1);
            const hubs = p.ofType(T.virtualHub);
            assert.strictEqual(hubs.length, 1);
            assert.strictEqual(hubs[0].inputs.addressPrefix, p.run.addressPlan.hub!.prefix);
            assert.strictEqual(hubs[0].inputs.addressPrefix, ipv4(wan.hubPrefix).cidr);
            const gateways = p.ofType(T.vpnGateway);
            assert.strictEqual(gateways.length, 1);
            assert.strictEqual((gateways[0].inputs.bgpSettings as Loose).asn, 65515);
            assert.strictEqual(gateways[0].inputs.vpnGatewayScaleUnit, wan.vpnScaleUnits ?? 1);
            assert.strictEqual(p.ofType(T.virtualWan)[0].inputs.type, stack === "prod" ? "Standard" : "Basic");
        });

        it("declares one VPN site and one IKEv2 connection per branch, with its ranges, address and BGP", async () => {
            const p = await planOf(stack);
            for (const site of sites) {
                const vpnSite = p.one(T.vpnSite, `${stack}-wan-site-${site.name}`).inputs as Loose;
                assert.deepStrictEqual(vpnSite.addressSpace.addressPrefixes, site.addressSpaces);
                assert.strictEqual(vpnSite.vpnSiteLinks.length, 1);
                const link = vpnSite.vpnSiteLinks[0];
                assert.strictEqual(link.ipAddress, site.publicIp);
                assert.strictEqual(link.linkProperties.linkSpeedInMbps, site.linkSpeedMbps);
                assert.deepStrictEqual(link.bgpProperties, site.bgp ? { asn: site.bgp.asn, bgpPeeringAddress: site.bgp.peeringAddress } : undefined);

                const siteResource = p.one(T.vpnSite, `${stack}-wan-site-${site.name}`);
                const connection = p.one(T.vpnConnection, `${stack}-wan-conn-${site.name}`).inputs as Loose;
                const siteId = p.doc.outputs.wan && (p.doc.outputs.wan as Loose).sites[site.name].vpnSiteId;
                assert.strictEqual(connection.remoteVpnSite.id, siteId);
                assert.ok(siteResource);
                assert.strictEqual(connection.vpnLinkConnections.length, 1);
                const linkConnection = connection.vpnLinkConnections[0];
                assert.strictEqual(linkConnection.vpnConnectionProtocolType, "IKEv2");
                assert.strictEqual(linkConnection.enableBgp, site.bgp !== undefined);
                assert.strictEqual(linkConnection.vpnSiteLink.id, `${siteId}/vpnSiteLinks/primary`);
                assert.strictEqual(linkConnection.sharedKey, SECRET, "the PSK reaches the provider as a secret");
            }
            const branchSites = p.ofType(T.vpnSite).filter((r) => r.name.startsWith(`${stack}-wan-site-`));
            assert.strictEqual(branchSites.length, sites.length);
        });

        it("applies the modern IPsec policy with PFS matching the DH group and the configured lifetimes", async () => {
            const p = await planOf(stack);
            for (const connection of p.ofType(T.vpnConnection)) {
                for (const link of (connection.inputs as Loose).vpnLinkConnections) {
                    assert.deepStrictEqual(link.ipsecPolicies, [{
                        ikeEncryption: "GCMAES256",
                        ikeIntegrity: "SHA256",
                        dhGroup: "ECP256",
                        ipsecEncryption: "GCMAES256",
                        ipsecIntegrity: "GCMAES256",
                        pfsGroup: "ECP256",
                        saLifeTimeSeconds: 3600,
                        saDataSizeKilobytes: 102400000,
                    }]);
                }
            }
        });

        it("attaches the IPv4-only spoke to the hub (none on dev's Basic hub: site-to-site only)", async () => {
            const p = await planOf(stack);
            if (stack === "dev") {
                assert.strictEqual(p.ofType(T.hubConnection).length, 0);
                assert.ok(!p.ofType(T.vnet).some((v) => v.name === "dev-spoke-vnet"));
                return;
            }
            const connections = p.ofType(T.hubConnection);
            assert.strictEqual(connections.length, 1);
            const inputs = connections[0].inputs as Loose;
            const azure = p.doc.outputs.azure as Loose;
            assert.strictEqual(inputs.remoteVirtualNetwork.id, azure.spokeVnetId);
            const spokeVnet = p.one(T.vnet, `${stack}-spoke-vnet`).inputs as Loose;
            assert.deepStrictEqual(spokeVnet.addressSpace.addressPrefixes, [p.run.addressPlan.azure.spoke!.ipv4Cidr]);
            assert.ok(spokeVnet.tags["landing-zone:ipv4-only-reason"]);
            // The internet-facing dual-stack VNet stays unattached.
            const workload = p.ofType(T.vnet).find((v) => v.name === `${stack}-workloads-vnet`)!;
            assert.notStrictEqual(inputs.remoteVirtualNetwork.id, (p.doc.outputs.azure as Loose).workloadVnetId);
            assert.ok(workload);
            if (stack === "prod") {
                const hubId = (p.doc.outputs.wan as Loose).virtualHubId;
                const table = `${hubId}/hubRouteTables/defaultRouteTable`;
                assert.deepStrictEqual(inputs.routingConfiguration, {
                    associatedRouteTable: { id: table },
                    propagatedRouteTables: { ids: [{ id: table }], labels: ["default"] },
                });
            }
        });

        it("turns branch-to-branch on by default and describes each site's device and ISP", async () => {
            const p = await planOf(stack);
            assert.strictEqual(p.ofType(T.virtualWan)[0].inputs.allowBranchToBranchTraffic, (raw.wan as Loose).allowBranchToBranch ?? true);
            for (const site of sites as Loose[]) {
                const inputs = p.one(T.vpnSite, `${stack}-wan-site-${site.name}`).inputs as Loose;
                assert.deepStrictEqual(inputs.deviceProperties, { deviceVendor: site.device.vendor, deviceModel: site.device.model, linkSpeedInMbps: site.linkSpeedMbps });
                assert.strictEqual(inputs.vpnSiteLinks[0].linkProperties.linkProviderName, site.ispName);
            }
            const off = await plan(stack, editedStack(stack, (edited) => { (edited.wan as Loose).allowBranchToBranch = false; }));
            assert.strictEqual(off.ofType(T.virtualWan)[0].inputs.allowBranchToBranchTraffic, false);
        });

        it("keeps every key secret: [secret] in inputs and outputs, never the value", async () => {
            const p = await planOf(stack);
            const text = JSON.stringify(p.doc);
            for (const value of stackConfig(stack).secretValues) assert.ok(!text.includes(value), "a secret value leaked into the plan");
            assert.ok(!/k[0-9a-f]{47}/.test(text), "a derived tunnel key leaked into the plan");
            const sheets = p.doc.outputs.branchRouterSheets as Loose;
            assert.deepStrictEqual(Object.keys(sheets).sort(), sites.map((s) => s.name).sort());
            for (const site of sites) {
                const sheet = sheets[site.name];
                assert.strictEqual(sheet.preSharedKey, SECRET);
                assert.deepStrictEqual(sheet.siteRanges, site.addressSpaces);
                const instances = (p.doc.outputs.wan as Loose).gatewayInstances;
                assert.deepStrictEqual(sheet.hubPeers.map((h: Loose) => h.publicIp), instances.map((i: Loose) => i.publicIp));
                assert.ok(sheet.hubPeers.every((h: Loose) => ipv4(wan.hubPrefix).first <= ipv4(`${h.bgpPeeringAddress}/32`).first && ipv4(`${h.bgpPeeringAddress}/32`).last <= ipv4(wan.hubPrefix).last));
                assert.strictEqual(sheet.routing.mode, site.bgp ? "bgp" : "static");
                assert.strictEqual(sheet.ipsec.ikeVersion, "IKEv2");
            }
        });

        if (stack === "dev") {
            it("has no cross-cloud link in dev", async () => {
                const p = await planOf(stack);
                for (const type of AWS_TYPES) assert.strictEqual(p.ofType(type).length, 0, type);
                assert.strictEqual(p.ofType(T.vpnSite).length, sites.length);
                assert.strictEqual((p.doc.outputs.wan as Loose).crossCloudLink, false);
                // A Basic hub has no custom BGP addresses to carry and leaves routing to Azure's defaults.
                assert.strictEqual((p.ofType(T.vpnGateway)[0].inputs.bgpSettings as Loose).bgpPeeringAddresses, undefined);
                assert.strictEqual(p.ofType(T.hubConnection).length, 0, "a Basic hub connects no VNet");
                for (const c of p.ofType(T.vpnConnection)) assert.strictEqual(c.inputs.routingConfiguration, undefined);
            });
        }
    });
}

describe("WAN cross-cloud link in the prod plan", () => {
    it("attaches a virtual private gateway to the VPC and propagates into each of its route tables", async () => {
        const p = await planOf("prod");
        const [vgw] = p.ofType(T.awsVgw);
        assert.strictEqual(vgw.inputs.vpcId, (p.doc.outputs.aws as Loose).vpcId);
        const tables = Object.values((p.doc.outputs.aws as Loose).routeTableIds).sort();
        assert.strictEqual(tables.length, p.ofType(T.awsRouteTable).length);
        assert.deepStrictEqual(p.ofType(T.awsPropagation).map((r) => r.inputs.routeTableId).sort(), tables);
    });

    it("has a customer gateway per hub VPN instance, at its public IP, with ASN 65515", async () => {
        const p = await planOf("prod");
        const instances = (p.doc.outputs.wan as Loose).gatewayInstances as Array<{ instance: string; publicIp: string }>;
        const cgws = p.ofType(T.awsCgw);
        assert.strictEqual(cgws.length, 2);
        assert.deepStrictEqual(cgws.map((c) => c.inputs.ipAddress).sort(), instances.map((i) => i.publicIp).sort());
        for (const cgw of cgws) assert.strictEqual(cgw.inputs.bgpAsn, "65515");
    });

    it("agrees on tunnel addresses, ASNs and keys on both sides", async () => {
        const p = await planOf("prod");
        const vgw = p.ofType(T.awsVgw)[0].inputs;
        const instances = (p.doc.outputs.wan as Loose).gatewayInstances as Array<{ instance: string; publicIp: string }>;
        const outputTunnels = (p.doc.outputs.wan as Loose).crossCloud.tunnels as Array<{ name: string; awsOutsideAddress: string; insideCidr: string }>;
        const awsSite = p.one(T.vpnSite, "prod-aws-site").inputs as Loose;
        const awsConnection = p.one(T.vpnConnection, "prod-aws-conn").inputs as Loose;
        const gatewayBgp = (p.ofType(T.vpnGateway)[0].inputs.bgpSettings as Loose).bgpPeeringAddresses as Array<{ ipconfigurationId: string; customBgpIpAddresses: string[] }>;
        const cgwByName = new Map(p.ofType(T.awsCgw).map((c) => [c.name, c]));

        const vpns = p.ofType(T.awsVpn);
        assert.strictEqual(vpns.length, 2);
        assert.strictEqual(awsSite.vpnSiteLinks.length, 4);
        assert.strictEqual(awsConnection.vpnLinkConnections.length, 4);
        const seenCidrs = new Set<string>();
        for (const vpn of vpns) {
            const suffix = vpn.name.split("-vpn-")[1];
            const cgw = cgwByName.get(`prod-to-azure-cgw-${suffix}`)!;
            const instance = instances.find((i) => i.publicIp === cgw.inputs.ipAddress)!;
            assert.ok(instance, "each AWS connection's customer gateway is one Azure instance");
            for (const n of [1, 2]) {
                const cidr = vpn.inputs[`tunnel${n}InsideCidr`] as string;
                assert.strictEqual(vpn.inputs[`tunnel${n}PresharedKey`], SECRET);
                assert.deepStrictEqual(vpn.inputs[`tunnel${n}IkeVersions`], ["ikev2"]);
                const network = ipv4(cidr);
                assert.strictEqual(network.prefixLength, 30);
                assert.ok(network.first >= ipv4("169.254.21.0/32").first && network.last <= ipv4("169.254.22.255/32").first, `${cidr} is in Azure's APIPA range`);
                seenCidrs.add(cidr);
                const name = `${instance.instance.toLowerCase()}-tunnel${n}`;
                const awsAddress = `169.254.${cidr.split(".")[2]}.${Number(cidr.split(".")[3].split("/")[0]) + 1}`;
                const azureAddress = `169.254.${cidr.split(".")[2]}.${Number(cidr.split(".")[3].split("/")[0]) + 2}`;
                const link = awsSite.vpnSiteLinks.find((l: Loose) => l.name === name);
                assert.ok(link, `Azure site link ${name}`);
                const output = outputTunnels.find((t) => t.name === name)!;
                assert.strictEqual(output.insideCidr, cidr);
                assert.strictEqual(link.ipAddress, output.awsOutsideAddress, "Azure dials the AWS tunnel's outside address");
                assert.deepStrictEqual(link.bgpProperties, { asn: Number(vgw.amazonSideAsn), bgpPeeringAddress: awsAddress });
                const linkConnection = awsConnection.vpnLinkConnections.find((l: Loose) => l.name === name);
                assert.strictEqual(linkConnection.sharedKey, SECRET);
                assert.strictEqual(linkConnection.enableBgp, true);
                assert.deepStrictEqual(linkConnection.vpnGatewayCustomBgpAddresses, [{ ipConfigurationId: instance.instance, customBgpIpAddress: azureAddress }]);
                const onGateway = gatewayBgp.find((b) => b.ipconfigurationId === instance.instance)!;
                assert.ok(onGateway.customBgpIpAddresses.includes(azureAddress), "the gateway instance carries the custom BGP address");
            }
        }
        assert.strictEqual(seenCidrs.size, 4, "four distinct tunnel /30s");
    });

    it("routes every connection on the Standard hub through its default route table, the AWS one included", async () => {
        const p = await planOf("prod");
        const table = `${(p.doc.outputs.wan as Loose).virtualHubId}/hubRouteTables/defaultRouteTable`;
        const expected = { associatedRouteTable: { id: table }, propagatedRouteTables: { ids: [{ id: table }], labels: ["default"] } };
        const connections = p.ofType(T.vpnConnection);
        assert.ok(connections.some((c) => c.name === "prod-aws-conn"));
        for (const c of connections) assert.deepStrictEqual(c.inputs.routingConfiguration, expected, c.name);
    });

    it("uses the same IPsec suite on the AWS tunnels", async () => {
        const p = await planOf("prod");
        for (const vpn of p.ofType(T.awsVpn)) {
            for (const n of [1, 2]) {
                assert.deepStrictEqual(vpn.inputs[`tunnel${n}Phase1EncryptionAlgorithms`], ["AES256-GCM-16"]);
                assert.deepStrictEqual(vpn.inputs[`tunnel${n}Phase1DhGroupNumbers`], [19]);
                assert.deepStrictEqual(vpn.inputs[`tunnel${n}Phase2DhGroupNumbers`], [19]);
                assert.strictEqual(vpn.inputs[`tunnel${n}Phase2LifetimeSeconds`], 3600);
                // Microsoft's AWS guide: AWS starts the tunnels rather than waiting for Azure.
                assert.strictEqual(vpn.inputs[`tunnel${n}StartupAction`], "start");
            }
        }
    });
});

describe("WAN settings from config", () => {
    it("takes the gateway scale units, IPsec choices and the AWS ASN from config", async () => {
        const config = editedStack("prod", (raw) => {
            const wan = raw.wan as Loose;
            wan.vpnScaleUnits = 3;
            wan.ipsec = { encryption: "AES256", dhGroup: "DHGroup14", saLifeTimeSeconds: 2700, saDataSizeKilobytes: 2048000 };
            wan.awsSideAsn = 64600;
        });
        const p = await plan("prod", config);
        assert.strictEqual(p.ofType(T.vpnGateway)[0].inputs.vpnGatewayScaleUnit, 3);
        const policy = (p.one(T.vpnConnection, "prod-wan-conn-melbourne").inputs as Loose).vpnLinkConnections[0].ipsecPolicies[0];
        assert.deepStrictEqual(policy, {
            ikeEncryption: "AES256", ikeIntegrity: "SHA256", dhGroup: "DHGroup14",
            ipsecEncryption: "AES256", ipsecIntegrity: "SHA256", pfsGroup: "PFS2048",
            saLifeTimeSeconds: 2700, saDataSizeKilobytes: 2048000,
        });
        const vpn = p.ofType(T.awsVpn)[0].inputs;
        assert.deepStrictEqual(vpn.tunnel1Phase1EncryptionAlgorithms, ["AES256"]);
        assert.deepStrictEqual(vpn.tunnel1Phase2DhGroupNumbers, [14]);
        assert.strictEqual(vpn.tunnel1Phase2LifetimeSeconds, 2700);
        assert.strictEqual(p.ofType(T.awsVgw)[0].inputs.amazonSideAsn, "64600");
        const awsLink = (p.one(T.vpnSite, "prod-aws-site").inputs as Loose).vpnSiteLinks[0];
        assert.strictEqual(awsLink.bgpProperties.asn, 64600);
    });
});
