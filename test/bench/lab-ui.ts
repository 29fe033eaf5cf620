// Click Run → first and complete verdict on screen, in the lab: the browser-mode server and Chromium both run in the
// client namespace (behind the NAT), the account is typed into the form like a user would.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { applyFault, clearFaults, Kamailio, LAB_PASSWORD, LAB_USER, labDown, labUnavailableReason, labUp, NS, SERVER_IP } from '../lab/lab.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumMissing, printedAddress, verdictComplete } from '../e2e/harness.js';

const CLI = fileURLToPath(new URL('../../electron/cli/bin.mjs', import.meta.url));

/** Click Run → the matrix's verdict on screen (firstMs), and → the complete verdict (path probes done). */
export interface UiVerdictFigure {
  firstMs: number;
  completeMs: number;
  verdict: string;
}
type Scenario = 'healthy' | 'seed000' | 'every UDP path silent';

export async function benchLabUi(): Promise<Record<Scenario, UiVerdictFigure> | string> {
  const why = labUnavailableReason() ?? chromiumMissing;
  if (why) return why;
  labUp();
  const kamailio = new Kamailio();
  const server = spawn('ip', ['netns', 'exec', NS.client, process.execPath, CLI, 'start', '--browser'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    await kamailio.start();
    const url = await printedAddress(server);
    const wrapper = join(mkdtempSync(join(tmpdir(), 'sl-ui-')), 'chromium-in-lab.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${NS.client} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const browser = await chromium.launch({
      executablePath: wrapper,
      args: CHROMIUM_ARGS,
    });
    const out: Partial<Record<Scenario, UiVerdictFigure>> = {};
    try {
      for (const [name, fault] of [
        ['healthy', null],
        ['seed000', 'drop-inbound-udp-5060'],
        ['every UDP path silent', 'block-all-udp'],
      ] as const) {
        clearFaults();
        if (fault) applyFault(fault);
        const page = await browser.newPage();
        await page.goto(url);
        await page.getByTestId('account-server').fill(SERVER_IP);
        await page.getByTestId('account-user').fill(LAB_USER);
        await page.getByTestId('account-password').fill(LAB_PASSWORD);
        await page.getByTestId('transport-tls').uncheck(); // the lab CA is private; TLS is covered by the lab tests
        const t0 = performance.now();
        await page.getByTestId('run-button').click();
        await page.getByTestId('verdict').waitFor({ timeout: 90_000 });
        const firstMs = performance.now() - t0;
        await verdictComplete(page, 90_000);
        out[name] = { firstMs, completeMs: performance.now() - t0, verdict: (await page.getByTestId('verdict').textContent()) ?? '' };
        await page.close();
      }
    } finally {
      await browser.close();
    }
    return out as Record<Scenario, UiVerdictFigure>;
  } finally {
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
    await kamailio.stop();
    kamailio.dispose();
    labDown();
  }
}
