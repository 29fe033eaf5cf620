// The ring panel's reducer: over HTTP the event stream and the start call's answer travel
// separately, so 'waiting' can come before the page knows its run id (the e2e Cancel test lost it
// under load and never showed the instructions).
import { describe, expect, it } from 'vitest';
import { IDLE, ringReducer, type RingAction, type RingState } from '../../renderer/src/components/ring/ring-state.js';

const waiting = (runId: string): RingAction => ({
  type: 'event',
  at: 5,
  event: { runId, type: 'waiting', aor: 'alice@127.0.0.1', waitS: 30, transport: 'udp', contact: 'sip:alice@127.0.0.1:40000' },
});
const fold = (actions: RingAction[]): RingState => actions.reduce(ringReducer, IDLE);

describe('ring panel state', () => {
  it('events that arrive before the start answer are kept and replayed for our run', () => {
    const s = fold([
      { type: 'starting' },
      { type: 'event', at: 1, event: { runId: 'r1', type: 'step', text: 'REGISTER sent' } },
      waiting('r1'),
      { type: 'started', runId: 'r1' },
    ]);
    expect(s.phase).toBe('waiting');
    expect(s.contact).toBe('sip:alice@127.0.0.1:40000');
    expect(s.waitingSince).toBe(5);
    expect(s.steps).toEqual(['REGISTER sent']);
  });

  it("another run's early events are dropped on start", () => {
    const s = fold([{ type: 'starting' }, waiting('other'), { type: 'started', runId: 'r1' }]);
    expect(s.phase).toBe('registering');
    expect(s.contact).toBeUndefined();
  });

  it('events after the start answer apply directly; without a start nothing is kept', () => {
    expect(fold([{ type: 'starting' }, { type: 'started', runId: 'r1' }, waiting('r1')]).phase).toBe('waiting');
    expect(fold([waiting('r1')])).toEqual(IDLE);
  });
});
