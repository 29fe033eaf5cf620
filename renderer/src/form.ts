// Account form ↔ CheckOptions, validated as typed with the same rules the engine applies.
import { validateCheckOptions, type CheckOptions } from '../../shared/model/check-options.js';
import type { AccountForm } from './store.js';

export function formToOptions(f: AccountForm): unknown {
  const port = f.port.trim() ? Number(f.port) : undefined;
  const stun = f.stun.trim() ? { host: f.stun.trim().split(':')[0], port: f.stun.includes(':') ? Number(f.stun.split(':')[1]) : undefined } : undefined;
  return {
    server: f.server.trim(), user: f.user.trim(), authUser: f.authUser.trim() || undefined, domain: f.domain.trim() || undefined,
    password: f.password === '' ? undefined : f.password, transports: f.transports,
    ports: port !== undefined ? { udp: port, tcp: port } : undefined,
    fixedSourcePort: f.fixedPort.trim() ? Number(f.fixedPort) : undefined, stun,
  };
}

/** Field name → first error for it ("form" for the rest). */
export function validateForm(f: AccountForm): { options?: CheckOptions; errors: Record<string, string> } {
  const v = validateCheckOptions(formToOptions(f));
  if (v.ok) return { options: v.value, errors: {} };
  const errors: Record<string, string> = {};
  for (const e of v.errors) {
    const field = /^(server|user|authUser|domain|password|transports|ports|stun|fixedSourcePort)/.exec(e)?.[1] ?? 'form';
    const key = field === 'ports' ? 'port' : field === 'fixedSourcePort' ? 'fixedPort' : field;
    errors[key] ??= e;
  }
  return { errors };
}
