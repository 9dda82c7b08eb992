// The header every generated file starts with: what it was generated from and how to redo it.
// No timestamps, no absolute paths: output is byte-identical on every machine.

export function header(file: string, source: string, what: string): string {
  return (
    `// ${file} — GENERATED from ${source} by \`fawkes build\`. Do not edit.\n` +
    `// Regenerate: npx fawkes build      Verify in CI: npx fawkes check\n` +
    `// ${what}\n\n`
  );
}

export function describeRoute(r: {
  loc: { file: string; line: number };
  verb: string;
  kind: string;
  path: string;
  target: { display: string };
  action: string | null;
  pipeThrough: readonly string[];
  hosts: readonly string[];
}): string {
  const verb = r.kind === "forward" ? "forward" : r.verb;
  const to = r.action === null ? r.target.display : `${r.target.display}.${r.action}`;
  const pipes = r.pipeThrough.length ? `  [${r.pipeThrough.join(", ")}]` : "";
  const hosts = r.hosts.length ? `  host ${r.hosts.join(" | ")}` : "";
  return `${r.loc.file}:${r.loc.line}  ${verb} ${r.path} -> ${to}${pipes}${hosts}`;
}
