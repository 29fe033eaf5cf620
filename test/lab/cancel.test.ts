// Lab: Ctrl-C during a check ends it at once with what finished, marked incomplete — never a
// "works, no problems" verdict, never the interrupted attempt read as lost answers (seed 000).
import { describe, expect, it } from 'vitest';
import { applyFault, labUnavailableReason, timedCheckFromClient } from './lab.js';
import { useLab } from './use-lab.js';

const unavailable = labUnavailableReason();

describe.skipIf(unavailable !== null)('lab: a cancelled check', () => {
  useLab({ kamailio: true });

  it('interrupted while UDP from port 5060 waits for its (dropped) answers: incomplete, and not read as seed 000', async () => {
    applyFault('drop-inbound-udp-5060');
    // The ephemeral-port attempt is done within milliseconds; the port-5060 one waits 3.5 s.
    const r = await timedCheckFromClient(['--transports', 'udp'], { interruptOn: /attempt 2: registered/ });
    expect(r.firstVerdictMs).toBeUndefined();
    expect(r.stdout).toMatch(/^Check cancelled, results incomplete: so far registration works over UDP \(from an ephemeral port/);
    expect(r.stdout).toMatch(/^Incomplete: cancelled by the user after [\d.]+ s; not finished: UDP from port 5060\b/m);
    expect(r.stdout).not.toMatch(/blocks incoming SIP on port 5060/);
    expect(r.stdout).toMatch(/UDP from port 5060 .*aborted/);
  });

  it('interrupted during the path probes: the matrix verdict stands, the unfinished probes are named and left out', async () => {
    const r = await timedCheckFromClient([], { interruptOn: /verdict after/ });
    expect(r.firstVerdict).toBe('Registration works over UDP and TCP and TLS.');
    expect(r.completeMs).toBeDefined();
    expect(r.stdout).toMatch(/^Check cancelled, results incomplete: so far registration works over UDP and TCP and TLS\.$/m);
    expect(r.stdout).toMatch(/^Incomplete: cancelled by the user after [\d.]+ s; not finished: message size \/ fragmentation\./m);
    expect(r.stdout).not.toMatch(/bytes were lost|are lost/);
  });
});
