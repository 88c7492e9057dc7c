/**
 * TLS on the server tier, when it has a DNS name: the instance obtains and
 * renews a Let's Encrypt certificate through an ACME DNS-01 challenge on the
 * tier's Route 53 zone (certbot with its Route 53 plugin, in a virtualenv, as
 * certbot's own instructions for pip install it).
 *
 *   - The certificate, key and ACME account live on the data volume
 *     (<mountPoint>/.landing-zone/letsencrypt), so they follow the failover:
 *     a replacement instance in another AZ finds them and only renews, which
 *     keeps a flapping tier far inside Let's Encrypt's duplicate-certificate
 *     limit (5 per exact name set per 7 days).
 *   - `certbot certonly --keep-until-expiring` both obtains and renews (it
 *     does nothing while the certificate has more than 30 days left); it runs
 *     at boot and from a systemd timer twice a day.
 *   - For nginx, the HTTPS server is written once a certificate exists, and
 *     port 80 becomes a redirect to HTTPS and nothing else. Another app's
 *     unit is reloaded after each renewal and reads the files itself.
 *   - The instance role may change only the `_acme-challenge.<name>` TXT
 *     record of that zone (acmeDnsPolicyStatements).
 *
 * Pure: user-data lines and policy statements as functions of settings.
 */
import { PolicyStatement, normalizedRecordName } from "./server-iam";
import { shellQuote } from "./server-user-data";

export const ACME_DIRECTORIES = {
    production: "https://acme-v02.api.letsencrypt.org/directory",
    staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;
export type AcmeDirectory = keyof typeof ACME_DIRECTORIES;

export interface ServerTlsOptions {
    /** The certificate's name: the tier's DNS record, e.g. app.example.org. */
    domain: string;
    /** The Route 53 hosted zone the challenge record is written in. */
    hostedZoneId: string;
    /** The ACME account's contact (expiry warnings). */
    email: string;
    /** The data volume's mount point; the certificates live under it. */
    mountPoint: string;
    /** The app's systemd unit, reloaded after a renewal; nginx.service also gets the HTTPS server and the port-80 redirect. */
    systemdUnit?: string;
    /** Let's Encrypt production (default) or staging (for test stacks: no rate-limit trouble, untrusted certificates). */
    acmeDirectory?: AcmeDirectory;
}

/** Where certbot keeps everything: on the data volume. */
export function tlsConfigDir(mountPoint: string): string {
    return `${mountPoint.replace(/\/$/, "")}/.landing-zone/letsencrypt`;
}

/** The paths the app reads. */
export function certificatePaths(o: Pick<ServerTlsOptions, "domain" | "mountPoint">): { fullchain: string; privkey: string } {
    const live = `${tlsConfigDir(o.mountPoint)}/live/${o.domain}`;
    return { fullchain: `${live}/fullchain.pem`, privkey: `${live}/privkey.pem` };
}

/** The nginx site: port 80 only redirects; 443 serves with the certificate. */
export function nginxTlsSite(o: Pick<ServerTlsOptions, "domain" | "mountPoint">): string {
    const { fullchain, privkey } = certificatePaths(o);
    return [
        "# landing-zone: port 80 only redirects to HTTPS.",
        "server {",
        "    listen 80 default_server;",
        "    listen [::]:80 default_server;",
        "    server_name _;",
        "    return 301 https://$host$request_uri;",
        "}",
        "server {",
        "    listen 443 ssl default_server;",
        "    listen [::]:443 ssl default_server;",
        `    server_name ${o.domain};`,
        `    ssl_certificate ${fullchain};`,
        `    ssl_certificate_key ${privkey};`,
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        "    add_header Strict-Transport-Security \"max-age=31536000\" always;",
        "    root /usr/share/nginx/html;",
        "}",
        "",
    ].join("\n");
}

/**
 * User-data lines, run after the data volume is mounted and before the app
 * starts. A failure to get the first certificate does not stop the boot: the
 * app starts without TLS and the timer tries again.
 */
export function serverTlsUserData(o: ServerTlsOptions): string[] {
    const dir = tlsConfigDir(o.mountPoint);
    const unit = o.systemdUnit ?? "";
    const nginx = unit === "nginx.service";
    const site = nginxTlsSite(o);
    const script = [
        "#!/bin/bash",
        "# landing-zone: obtain or renew the certificate (DNS-01 on Route 53), then install it.",
        "set -euo pipefail",
        "# Only with the data volume mounted (not while quiesced for a failover): never a stray certificate on the root volume.",
        `mountpoint -q ${shellQuote(o.mountPoint)} || { echo "landing-zone: data volume not mounted; certificate left alone"; exit 0; }`,
        `/opt/certbot/bin/certbot certonly --non-interactive --agree-tos --email ${shellQuote(o.email)} \\`,
        `  --server ${shellQuote(ACME_DIRECTORIES[o.acmeDirectory ?? "production"])} --dns-route53 -d ${shellQuote(o.domain)} \\`,
        `  --config-dir ${shellQuote(dir)} --work-dir /var/lib/letsencrypt --logs-dir /var/log/letsencrypt --keep-until-expiring`,
        `[ -s ${shellQuote(certificatePaths(o).fullchain)} ] || exit 0`,
        ...(nginx ? ["install -m 0644 /etc/landing-zone/nginx-tls.conf /etc/nginx/conf.d/landing-zone-tls.conf"] : []),
        ...(unit ? [`if systemctl is-active --quiet ${shellQuote(unit)}; then systemctl reload-or-restart ${shellQuote(unit)}; fi`] : []),
    ].join("\n");
    return [
        "# ── TLS: a Let's Encrypt certificate by DNS-01, kept on the data volume (follows the failover) ──",
        "dnf install -y python3-pip",
        "[ -x /opt/certbot/bin/certbot ] || { python3 -m venv /opt/certbot && /opt/certbot/bin/pip install --quiet certbot certbot-dns-route53; }",
        `mkdir -p ${shellQuote(dir)} /etc/landing-zone && chmod 0700 ${shellQuote(dir)}`,
        ...(nginx ? [`cat > /etc/landing-zone/nginx-tls.conf <<'LZ_NGINX'`, site.trimEnd(), "LZ_NGINX"] : []),
        "cat > /usr/local/sbin/landing-zone-tls <<'LZ_TLS'",
        script,
        "LZ_TLS",
        "chmod 0755 /usr/local/sbin/landing-zone-tls",
        "printf '[Unit]\\nDescription=landing-zone certificate renewal\\n[Service]\\nType=oneshot\\nExecStart=/usr/local/sbin/landing-zone-tls\\n' > /etc/systemd/system/landing-zone-tls.service",
        "printf '[Unit]\\nDescription=landing-zone certificate renewal, twice a day\\n[Timer]\\nOnBootSec=15min\\nOnUnitActiveSec=12h\\nRandomizedDelaySec=1h\\n[Install]\\nWantedBy=timers.target\\n' > /etc/systemd/system/landing-zone-tls.timer",
        "systemctl daemon-reload",
        "systemctl enable --now landing-zone-tls.timer",
        "/usr/local/sbin/landing-zone-tls || echo \"landing-zone: no certificate yet (the app starts without TLS; the timer retries)\"",
        "",
    ];
}

/**
 * What the instance role needs for DNS-01 (certbot-dns-route53's documented
 * actions), scoped: list zones and poll changes (Route 53 cannot scope
 * these), and UPSERT/DELETE only the TXT record `_acme-challenge.<domain>`
 * of the one zone.
 */
export function acmeDnsPolicyStatements(p: { partition: string; hostedZoneId: string; domain: string }): PolicyStatement[] {
    const zone = p.hostedZoneId.replace(/^\/hostedzone\//, "");
    return [
        { Sid: "AcmeFindZone", Effect: "Allow", Action: ["route53:ListHostedZones"], Resource: ["*"] },
        { Sid: "AcmeWaitForChange", Effect: "Allow", Action: ["route53:GetChange"], Resource: [`arn:${p.partition}:route53:::change/*`] },
        {
            Sid: "AcmeChallengeRecordOnly",
            Effect: "Allow",
            Action: ["route53:ChangeResourceRecordSets"],
            Resource: [`arn:${p.partition}:route53:::hostedzone/${zone}`],
            Condition: {
                "ForAllValues:StringEquals": {
                    "route53:ChangeResourceRecordSetsNormalizedRecordNames": [`_acme-challenge.${normalizedRecordName(p.domain)}`],
                    "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"],
                    "route53:ChangeResourceRecordSetsActions": ["UPSERT", "DELETE"],
                },
            },
        },
    ];
}

/** One line for the plan report and the stack output. */
export function tlsSummary(o: { domain: string; hostedZoneId: string } | undefined): string {
    return o
        ? `HTTPS: a Let's Encrypt certificate for ${o.domain} by DNS-01 on zone ${o.hostedZoneId}, renewed on the instance, kept on the data volume; port 80 redirects to HTTPS`
        : "HTTP only: the tier has no DNS name (server.dns), so no certificate can be issued; traffic on its ports is unencrypted";
}
