// `fawkes gen.cert`: a self-signed certificate and its key for HTTPS in development, as
// `mix phx.gen.cert` writes priv/cert/selfsigned.pem and selfsigned_key.pem. X.509 is a solved
// problem: the `selfsigned` package builds it on Node's WebCrypto.

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { relativePosix } from "../paths.js";

export interface GenCertOptions {
  root: string;
  /** Relative to root. Default `priv/cert`. */
  outDir?: string;
  /** Names the certificate is for; default `localhost` (127.0.0.1 and ::1 are always included). */
  hostnames: string[];
  force: boolean;
}

export async function generateCert(options: GenCertOptions): Promise<{ files: [string, string]; hostnames: string[] }> {
  const dir = resolve(options.root, options.outDir ?? "priv/cert");
  const keyFile = join(dir, "selfsigned_key.pem");
  const certFile = join(dir, "selfsigned.pem");
  const rel = (f: string) => relativePosix(resolve(options.root), f);
  if (!options.force) {
    for (const f of [keyFile, certFile]) if (existsSync(f)) throw new Error(`${rel(f)} exists; pass --force to replace it`);
  }
  const hostnames = options.hostnames.length ? options.hostnames : ["localhost"];
  for (const h of hostnames) {
    if (!isIP(h) && !/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(h)) throw new Error(`${JSON.stringify(h)} is not a hostname or an IP address`);
  }
  const ips = [...new Set(["127.0.0.1", "::1", ...hostnames.filter((h) => isIP(h))])];
  const names = hostnames.filter((h) => !isIP(h));
  const { generate } = (await import("selfsigned")).default;
  const notBeforeDate = new Date();
  const notAfterDate = new Date(notBeforeDate.getTime() + 365 * 86_400_000);
  const pems = await generate([{ name: "commonName", value: hostnames[0] }, { name: "organizationName", value: "Fawkes self-signed (development only)" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [...names.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert);
  return { files: [rel(keyFile), rel(certFile)], hostnames: [...names, ...ips] };
}
