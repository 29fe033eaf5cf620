// Demo mode: a local registrar (the one the tests use) so a newcomer can run the whole flow on
// their own machine without an account. One demo at a time; a new scenario replaces the old one.
import dgram from 'node:dgram';
import type { DemoInfo, DemoScenario } from '../../shared/ipc/contract.js';
import { startRegistrar, type Fixture } from './registrar.js';

export const DEMO_USER = 'alice';
export const DEMO_PASSWORD = 'demo-password';

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export class Demo {
  private running: Fixture | null = null;

  async start(scenario: DemoScenario): Promise<DemoInfo> {
    await this.stop();
    const blockedSourcePort = await freeUdpPort();
    // One port number for UDP and TCP, like a real registrar; retried if TCP happens to be taken.
    for (let tries = 0; ; tries++) {
      const port = await freeUdpPort();
      try {
        this.running = await startRegistrar({
          transports: ['udp', 'tcp'],
          users: { [DEMO_USER]: DEMO_PASSWORD },
          listenPorts: { udp: port, tcp: port },
          ...(scenario === 'blocked-5060' ? { udpSilentToPort: blockedSourcePort } : {}),
        });
        break;
      } catch (e) {
        if (tries >= 4) throw e;
      }
    }
    const running = this.running!;
    return { server: '127.0.0.1', ports: { udp: running.ports.udp, tcp: running.ports.tcp }, user: DEMO_USER, password: DEMO_PASSWORD, blockedSourcePort };
  }

  async stop(): Promise<void> {
    await this.running?.close();
    this.running = null;
  }
}
