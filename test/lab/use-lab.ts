// Vitest hooks shared by the lab suites: build the namespaces once per file, start the peers the
// file needs, clear router faults before each test, tear everything down at the end.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { clearFaults, Kamailio, labDown, labUp, type NsProcess } from './lab.js';

export function useLab(peers: { kamailio?: boolean; processes?: NsProcess[] }, before: () => void = () => undefined): { kamailio: Kamailio } {
  const kamailio = new Kamailio();
  beforeAll(async () => {
    labUp();
    if (peers.kamailio) await kamailio.start();
    for (const p of peers.processes ?? []) await p.start();
  }, 60_000);
  afterAll(async () => {
    for (const p of peers.processes ?? []) await p.stop();
    await kamailio.stop();
    kamailio.dispose();
    labDown();
  });
  beforeEach(() => {
    clearFaults();
    before();
  });
  return { kamailio };
}
