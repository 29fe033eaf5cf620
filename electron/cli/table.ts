// Plain-text views of a CheckResult for the terminal.
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import type { CheckResult } from '../../shared/model/results.js';
import { CLIENT_PROFILES } from '../../shared/profiles/clients.js';
import { predictProfiles } from '../../shared/profiles/predict.js';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function findingsText(d: Diagnosis): string {
  const out = [d.verdict];
  for (const f of d.findings) {
    out.push(
      '',
      `[${f.severity}] ${f.title}`,
      `  ${f.explanation}`,
      `  technical: ${f.technical}`,
      `  evidence: trace #${f.evidence.slice(0, 12).join(', #')}${f.evidence.length > 12 ? ' …' : ''}`,
    );
    for (const step of f.fix) out.push(`  fix: ${step}`);
  }
  return out.join('\n');
}

/** The STUN probe: server, NAT mapping and filtering, port preservation, binding lifetime. */
function stunLines(r: CheckResult): string[] {
  const out: string[] = [];
  const stun = r.pathProbes?.stun;
  if (stun) {
    out.push(
      '',
      `STUN ${stun.server.host} (${stun.server.address}:${stun.server.port}): ${stun.outcome === 'ok' ? stun.detail : `${stun.outcome}: ${stun.detail}`}`,
    );
    if (stun.mapping)
      out.push(
        `  mapping: ${stun.mapping}; filtering: ${stun.filtering ?? 'unknown'}; hairpinning: ${stun.hairpinning === undefined ? 'unknown' : stun.hairpinning ? 'yes' : 'no'}`,
      );
    for (const p of stun.portPreservation) out.push(`  port preservation: ${p.detail}`);
    if (stun.mappedRewritten)
      out.push(
        `  MAPPED-ADDRESS ${stun.mappedPlain?.address}:${stun.mappedPlain?.port} differs from XOR-MAPPED-ADDRESS: something on the path rewrites addresses`,
      );
    if (stun.bindingLifetime)
      out.push(
        `  binding lifetime: ${stun.bindingLifetime.detail}${stun.bindingLifetime.recommendation ? `; keep-alive every ${stun.bindingLifetime.recommendation.seconds} s` : ''}`,
      );
    for (const s of stun.skipped) out.push(`  not tested: ${s}`);
  }
  return out;
}

/** What the path probes found, after the attempts (STUN, message size, ALG, inbound reachability). */
function pathProbeLines(r: CheckResult): string[] {
  const out: string[] = [];
  out.push(...stunLines(r));
  const frag = r.pathProbes?.fragmentation;
  if (frag) {
    out.push('', `Message size (fragmentation) against ${frag.target.host}:${frag.target.port}: ${frag.outcome}${frag.detail ? ` — ${frag.detail}` : ''}`);
    for (const s of frag.series) {
      const pts = s.points
        .filter((p) => p.sends > 0)
        .map((p) => `${p.size}:${p.delivered ? `${Math.round(p.rttMs!)}ms` : 'lost'}`)
        .join(' ');
      out.push(
        `  ${s.transport.toUpperCase()} ${s.mode.padEnd(10)} largest delivered ${s.largestDelivered ?? 'none'}${s.smallestLost ? `, lost from ${s.smallestLost}` : ''}  [${pts}]`,
      );
    }
    for (const s of frag.skipped) out.push(`  not tested: ${s}`);
  }
  const alg = r.pathProbes?.alg;
  if (alg) {
    out.push('', `SIP ALG check via the reflector ${alg.target.host}: ${alg.outcome}`);
    for (const c of alg.checks) {
      out.push(`  ${c.transport.toUpperCase()} ${c.port}: ${c.outcome} — ${c.detail}`);
      for (const d of c.differences) out.push(`    ${d.direction} ${d.what}: sent "${d.sent ?? ''}", seen "${d.seen ?? ''}"`);
    }
  }
  const inbound = r.pathProbes?.inbound;
  if (inbound) {
    out.push('', `Inbound reachability via the reflector ${inbound.target.host}:${inbound.target.port}: ${inbound.outcome}`);
    for (const c of inbound.checks) out.push(`  from local port ${c.localPort}: ${c.detail}`);
  }
  return out;
}

export function attemptTable(r: CheckResult): string {
  const rows = r.attempts.map((a) => [
    a.label,
    `${a.target.address || a.target.host}:${a.target.port}`,
    a.localPort !== undefined ? String(a.localPort) : '-',
    a.outcome + (a.status ? ` ${a.status}` : ''),
    `${(a.durationMs / 1000).toFixed(2)} s`,
    a.via?.received || a.via?.rport ? `${a.via.received ?? '?'}:${a.via.rport ?? '?'}` : '-',
  ]);
  const head = ['ATTEMPT', 'SERVER', 'LOCAL PORT', 'OUTCOME', 'TIME', 'SEEN AS'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => pad(c, widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(head), ...rows.map(line)];
  out.push('');
  for (const a of r.attempts) out.push(`${a.label}: ${a.detail}`);
  for (const a of r.attempts.filter((x) => x.tls)) {
    const c = a.tls!.certificate;
    out.push(
      `${a.label} TLS: ${a.tls!.protocol ?? '?'} ${a.tls!.cipher ?? ''}, certificate ${a.tls!.verified ? 'verified' : 'NOT verified (' + a.tls!.verifyError + ')'}` +
        (c ? `; issuer ${c.issuer}; valid until ${c.validTo}; names ${c.subjectAltNames.join(' ') || c.subject}` : ''),
    );
  }
  out.push(...pathProbeLines(r));
  // A capture's exchanges are other people's phones, seen elsewhere: no predictions for clients of this computer.
  if (r.origin === 'capture') {
    out.push(`Seen over ${(r.durationMs / 1000).toFixed(2)} s of capture.`);
    return out.join('\n');
  }
  out.push('', 'Would these clients register here?');
  for (const p of predictProfiles(r, CLIENT_PROFILES)) {
    out.push(`  ${p.name}: ${p.verdict} — ${p.because}${p.fix ? `\n    fix: ${p.fix}` : ''}`);
    for (const w of p.warnings) out.push(`    warning: ${w}`);
  }
  if (r.authFailures > 0) out.push(`Credentials were rejected or went unanswered ${r.authFailures} time(s); no more were sent in this run (ban protection).`);
  out.push(`Checked in ${(r.durationMs / 1000).toFixed(2)} s.`);
  return out.join('\n');
}
