// Starting an audit from the tab: the backend answers with its run id; events that beat that
// answer are replayed by the run bridge once the id is claimed.
import type { AuditOptions } from '../../../../shared/audit/options.js';
import { api } from '../../api.js';
import { useApp } from '../../store.js';
import { claimRun } from '../../useRunBridge.js';

export async function startAudit(options: AuditOptions): Promise<void> {
  const s = useApp.getState();
  try {
    const { runId } = await api.startAudit(options);
    s.auditStarted(runId);
    claimRun(runId);
  } catch (e) {
    s.auditFailed((e as Error).message);
  }
}
