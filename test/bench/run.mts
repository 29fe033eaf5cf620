// `npm run bench`: prints figures (no pass/fail): parser throughput and lab check wall times.
import { benchLabChecks } from './lab-check.js';
import { benchPathProbes } from './path-probes.js';
import { benchParsers } from './parser.js';
import { reportAdversarial } from './adversarial.js';
import { benchLadder } from './ladder-render.js';
import { benchUi } from './ui-timing.js';
import { benchLabUi } from './lab-ui.js';
import { benchCaptureImports } from './capture-import.js';
import { benchUiCapture } from './ui-capture.js';
import { benchReflectorAmplification, formatAmplification } from './reflector-amplification.js';
import { benchBundles } from './bundle.js';
import { benchHistory } from './history.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log('Parser throughput: best of 9 alternating 150 ms slices; ratio = median of per-slice ratios to JsSIP:');
const figures = benchParsers();
for (const corpus of [...new Set(figures.map((f) => f.corpus))]) {
  console.log(`  ${corpus}`);
  for (const f of figures.filter((x) => x.corpus === corpus)) {
    console.log(`    ${f.parser.padEnd(10)} ${fmt(f.msgPerSec).padStart(10)} msg/s  ${f.mbPerSec.toFixed(1).padStart(7)} MB/s  ${f.xJsSip.toFixed(1)}x JsSIP`);
  }
}

reportAdversarial();

const ladder = benchLadder(1000);
console.log(
  `\nLadder with 1,000 messages (${ladder.arrows} arrows): model + layout ${ladder.modelLayoutMs.toFixed(1)} ms, React render of the SVG ${ladder.renderMs.toFixed(1)} ms (median of 5)`,
);

const ui = await benchUi();
const uiText = (k: 'healthy' | 'blocked'): string =>
  typeof ui === 'string' ? '' : `first ${(ui[k].firstMs / 1000).toFixed(2)} s, complete ${(ui[k].completeMs / 1000).toFixed(2)} s`;
console.log(
  typeof ui === 'string'
    ? `\nClick Run → verdict: skipped (${ui})`
    : `\nClick Run → verdict on screen (headless Chromium, demo registrar on this machine; first = the matrix's verdict, complete = path probes done; median of 3): healthy ${uiText('healthy')}; port 5060 blocked ${uiText('blocked')}`,
);

const labUi = await benchLabUi();
if (typeof labUi === 'string') console.log(`Click Run → verdict in the lab: skipped (${labUi})`);
else
  for (const [k, v] of Object.entries(labUi))
    console.log(
      `Click Run → verdict in the lab (Chromium and app in the client namespace), ${k}: first ${(v.firstMs / 1000).toFixed(2)} s, complete ${(v.completeMs / 1000).toFixed(2)} s — "${v.verdict}"`,
    );

console.log(
  '\nImport of realistic captures (calls with SDP, registrations, OPTIONS, UDP and TCP; whole processes, start-up included; three alternating runs each, median):',
);
const mb = (x?: number): string => (x === undefined ? '?' : String(Math.round(x)));
for (const cap of benchCaptureImports()) {
  const t = typeof cap.tshark === 'string' ? null : cap.tshark;
  const o = typeof cap.ours === 'string' ? null : cap.ours;
  console.log(`  ${cap.packets.toLocaleString('en-US')} packets, ${(cap.bytes / 1e6).toFixed(1)} MB:`);
  console.log(
    o
      ? `    sipladder import   ${(o.wallMs / 1000).toFixed(2)} s, peak ${mb(o.maxRssMb)} MB (${o.messages.toLocaleString('en-US')} SIP messages in ${o.exchanges.toLocaleString('en-US')} exchanges)${t ? `, ${(o.wallMs / t.ms).toFixed(2)}× tshark's time` : ''}`
      : `    sipladder import: ${cap.ours as string}`,
  );
  console.log(
    t
      ? `    tshark -Y sip      ${(t.ms / 1000).toFixed(2)} s, peak ${mb(t.maxRssMb)} MB (${t.messages.toLocaleString('en-US')} lines)`
      : `    tshark: ${cap.tshark as string}`,
  );
}
const uiCap = await benchUiCapture();
if (typeof uiCap === 'string') console.log(`  app first screen: skipped (${uiCap})`);
else
  for (const u of uiCap)
    console.log(
      `  app, ${u.packets.toLocaleString('en-US')} packets: choose the file → first look (found so far) ${(u.firstLookMs / 1000).toFixed(2)} s, first dialog rows ${(u.firstListMs / 1000).toFixed(2)} s, verdict and dialog list on screen ${(u.firstPaintMs / 1000).toFixed(2)} s, longest page freeze ${Math.round(u.longestFreezeMs)} ms (${u.rowsInDom} dialog rows and ${u.arrowsInDom} ladder arrows in the DOM)`,
    );

console.log('\nBundles (synthetic REGISTER exchanges; median of 3):');
for (const b of benchBundles()) {
  console.log(
    `  ${b.messages.toLocaleString('en-US')} messages: open (zip, complete schema check, findings) ${fmt(b.openMs)} ms, of which schema check ${fmt(b.schemaMs)} ms; pseudonymise ${fmt(b.pseudonymiseMs)} ms (${b.replacements} values)`,
  );
}

console.log(
  '\nRun history (a real check against the demo registrar stored 100 times; deflated JSON in SQLite via sql.js, the whole file written atomically per run):',
);
for (const h of await benchHistory()) {
  console.log(
    `  ${h.kind}: results ${fmt(h.resultJsonBytes)} bytes of JSON, stored ${fmt(h.storedBytes)} bytes; database file ${fmt(h.fileBytesPerRun)} bytes per run; storing one run ${h.addMs.toFixed(1)} ms`,
  );
}

console.log(`\n${formatAmplification(await benchReflectorAmplification())}`);

console.log('\nFull check against the lab (median of 3; check = engine time, wall = incl. CLI start-up):');
const lab = await benchLabChecks();
if (typeof lab === 'string') console.log(`  skipped: ${lab}`);
else {
  for (const f of lab.checks)
    console.log(`  ${f.scenario.padEnd(36)} check ${(f.checkMs / 1000).toFixed(2)} s   wall ${(f.wallMs / 1000).toFixed(2)} s\n    ${f.outcomes}`);
  console.log('\nVerdict times against the lab (sipladder check, path probes included; engine time, wall incl. CLI start-up; median of 3):');
  for (const v of lab.verdicts)
    console.log(
      `  ${v.scenario.padEnd(36)} first verdict ${(v.firstMs / 1000).toFixed(2)} s (wall ${(v.wallFirstMs / 1000).toFixed(2)} s)   complete ${(v.completeMs / 1000).toFixed(2)} s (wall ${(v.wallMs / 1000).toFixed(2)} s)\n    "${v.verdict}"`,
    );
  console.log('\nFragmentation probe against the lab (size in bytes = round-trip time):');
  for (const f of lab.fragments) console.log(`  ${f.scenario} (probe ${(f.probeMs / 1000).toFixed(1)} s)\n${f.series.map((s) => `    ${s}`).join('\n')}`);
}

console.log('\nPath probes in the lab, all on (STUN to coturn, reflector on the second address; engine time, median of 3):');
const probes = await benchPathProbes();
if (typeof probes === 'string') console.log(`  skipped: ${probes}`);
else {
  for (const p of probes) {
    const each = Object.entries(p.probes)
      .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(2)} s`)
      .join(', ');
    console.log(`  ${p.scenario.padEnd(24)} matrix ${(p.matrixMs / 1000).toFixed(2)} s, complete ${(p.totalMs / 1000).toFixed(2)} s; ${each}`);
  }
}
