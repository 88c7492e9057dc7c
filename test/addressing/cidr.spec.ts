import { strict as assert } from "assert";
import {
    findIpv4Overlaps,
    ipv4,
    isPublicUnicastIpv4,
    isRfc1918,
    isUla,
    ipv6,
    nthIpv4Subnet,
    nthIpv6Subnet,
    parseIpv4Cidr,
    parseIpv6Cidr,
} from "../../components/addressing";

describe("addressing/cidr", () => {
    it("parses IPv4 CIDRs into integer bounds", () => {
        const net = ipv4("10.1.0.0/16");
        assert.equal(net.first, (10 << 24 | 1 << 16) >>> 0);
        assert.equal(net.last - net.first + 1, 65536);
        assert.equal(net.prefixLength, 16);
    });

    it("rejects malformed CIDRs and host bits with a reason", () => {
        for (const bad of ["10.0.0.0", "10.0.0.0/33", "300.0.0.0/8", "ten/8", "", 42]) {
            const parsed = parseIpv4Cidr(bad);
            assert.equal(parsed.ok, false, `accepted ${String(bad)}`);
        }
        const hostBits = parseIpv4Cidr("10.0.0.1/16");
        assert.equal(hostBits.ok, false);
        assert.match((hostBits as { reason: string }).reason, /host bits set; the network is 10\.0\.0\.0\/16/);
    });

    it("classifies private, public unicast and ULA ranges", () => {
        assert.ok(isRfc1918(ipv4("172.16.4.0/22")));
        assert.ok(!isRfc1918(ipv4("172.32.0.0/16")));
        assert.ok(!isRfc1918(ipv4("8.8.8.0/24")));
        assert.ok(isPublicUnicastIpv4("49.255.12.34"));
        for (const notPublic of ["10.1.2.3", "100.64.0.1", "127.0.0.1", "169.254.1.1", "224.0.0.5", "192.0.2.10", "255.255.255.255", "0.1.2.3", "1.2.3"]) {
            assert.ok(!isPublicUnicastIpv4(notPublic), notPublic);
        }
        assert.ok(isUla(ipv6("fd12:3456:789a::/48")));
        assert.ok(!isUla(ipv6("fc00::/48")), "fc00::/8 is not locally assigned");
        assert.ok(!isUla(ipv6("2001:db8::/48")));
    });

    it("takes the n-th subnet and refuses one that does not fit", () => {
        assert.equal(nthIpv4Subnet(ipv4("10.0.0.0/16"), 24, 5)!.cidr, "10.0.5.0/24");
        assert.equal(nthIpv4Subnet(ipv4("10.0.0.0/16"), 24, 256), undefined);
        assert.equal(nthIpv6Subnet(ipv6("2001:db8:100::/56"), 64, 10)!.cidr, "2001:db8:100:a::/64");
        assert.equal(nthIpv6Subnet(ipv6("2001:db8:100::/56"), 64, 256), undefined);
        assert.equal(parseIpv6Cidr("2001:db8:100::1/56").ok, false);
    });

    it("finds every overlap by sweeping", () => {
        const ranges = [
            { owner: "a", network: ipv4("10.0.0.0/16") },
            { owner: "b", network: ipv4("10.1.0.0/16") },
            { owner: "c", network: ipv4("10.0.128.0/24") },
            { owner: "d", network: ipv4("192.168.0.0/24") },
            { owner: "e", network: ipv4("192.168.0.0/24") },
        ];
        const found = findIpv4Overlaps(ranges).map(([x, y]) => `${x.owner}-${y.owner}`).sort();
        assert.deepEqual(found, ["a-c", "d-e"]);
    });
});
