// The app store's named actions: what each one changes, and what it leaves alone.
import { beforeEach, describe, expect, it } from 'vitest';
import type { CheckOptions } from '../../shared/model/check-options.js';
import type { CheckResult } from '../../shared/model/results.js';
import { EMPTY_FORM, useApp } from '../../renderer/src/store.js';
import { attemptResult, checkResult } from '../builders.js';

const result = (id: number): CheckResult => checkResult({ attempts: [attemptResult({ id, status: 200 })] });
const options = { server: 'h' } as CheckOptions;
const demo = { server: '127.0.0.1', ports: { udp: 40000, tcp: 40001 }, user: 'demo', password: 'demo-pass', blockedSourcePort: 40002 };
const state = useApp.getState;

beforeEach(() => useApp.setState(useApp.getInitialState(), true));

describe('the app store', () => {
  it('runs a check through its steps: started, matrix verdict, probes pending then done, finished', () => {
    state().runStarted('r1', options);
    expect(state()).toMatchObject({ step: 'run', runId: 'r1', lastOptions: options, result: null, selectedSeq: null });
    state().runProgressed({ type: 'matrix-finished', result: result(1) });
    expect(state().step).toBe('results');
    expect(state().diagnosis?.verdict).toBeTruthy();
    state().runProgressed({ type: 'probe-started', probe: 'stun' });
    expect(state().probes).toEqual([{ probe: 'stun' }]);
    state().runProgressed({ type: 'probe-finished', probe: 'stun', outcome: 'done', durationMs: 5 });
    expect(state().probes).toEqual([{ probe: 'stun', outcome: 'done', durationMs: 5 }]);
    const final = result(2);
    state().runFinished('r1', final, { verdict: 'ok', findings: [] });
    expect(state()).toMatchObject({ step: 'results', runId: null, lastRunId: 'r1', result: final });
  });

  it('selecting an arrow changes the selection and nothing else the results page reads', () => {
    state().runProgressed({ type: 'matrix-finished', result: result(1) });
    const before = state();
    state().selectArrow(7);
    const after = state();
    expect(after.selectedSeq).toBe(7);
    for (const key of Object.keys(before) as Array<keyof typeof before>) if (key !== 'selectedSeq') expect(after[key], key).toBe(before[key]);
  });

  it('a new run forgets the shown results and selection; a failed one goes back to the form saying why', () => {
    state().openResults({ createdAt: 't', appVersion: '1', pseudonymised: false, result: result(1), diagnosis: { verdict: 'v', findings: [] } });
    state().selectArrow(3);
    state().runStarted('r2', options);
    expect(state()).toMatchObject({ result: null, diagnosis: null, selectedSeq: null, opened: null });
    state().runFailed('no route');
    expect(state()).toMatchObject({ step: 'account', error: 'no route', runId: null });
  });

  it('opens a bundle as results (opened from), a capture by its import id (to save it as a bundle)', () => {
    const view = { createdAt: 't', appVersion: '1', pseudonymised: true, result: result(1), diagnosis: { verdict: 'v', findings: [] } };
    state().openResults(view);
    expect(state()).toMatchObject({ step: 'results', lastRunId: null, opened: { createdAt: 't', appVersion: '1', pseudonymised: true } });
    state().openResults({ ...view, importId: 'imp-1' });
    expect(state()).toMatchObject({ lastRunId: 'imp-1', opened: null });
  });

  it('a demo fills the form; going back to the form ends it, restoring port 5060 and TLS but keeping the client', () => {
    state().setForm({ client: 'jitsi' });
    state().demoStarted(demo);
    expect(state().form).toMatchObject({ server: '127.0.0.1', port: '40000', fixedPort: '40002', transports: ['udp', 'tcp'], client: 'jitsi' });
    state().backToForm();
    expect(state()).toMatchObject({ demo: null, step: 'account', form: { ...EMPTY_FORM, client: 'jitsi' } });
  });

  it('splits a pasted address into its fields when a field is left', () => {
    state().setForm({ server: 'sip:alice@pbx.example.com:5080' });
    state().splitPastedAddresses();
    expect(state().form).toMatchObject({ server: 'pbx.example.com', user: 'alice', port: '5080' });
  });

  it('a saved account ends the demo but keeps nothing of its stand-ins; its password stays out of the page', () => {
    state().demoStarted(demo);
    state().pickSavedAccount({ id: 'a1', name: 'work', server: 'pbx', user: 'bob', transports: ['tls'], hasPassword: true });
    expect(state().demo).toBeNull();
    expect(state().form).toMatchObject({ server: 'pbx', user: 'bob', password: '', fixedPort: '5060', transports: ['tls'], savedAccountId: 'a1' });
  });

  it("a capture's dialog list: filter, sort both ways, failures only, show affected; new results start unfiltered", () => {
    state().filterDialogs('status:4xx');
    state().sortDialogs('user');
    expect(state().captureView).toMatchObject({ filter: 'status:4xx', sort: 'user', descending: false });
    state().sortDialogs('user');
    state().toggleFailuresOnly();
    expect(state().captureView).toMatchObject({ sort: 'user', descending: true, failuresOnly: true });
    state().showAffected('scanner');
    expect(state().captureView).toMatchObject({ filter: 'finding:scanner', failuresOnly: false, focusRequest: 1 });
    state().openResults({
      createdAt: 't',
      appVersion: '1',
      pseudonymised: false,
      result: result(1),
      diagnosis: { verdict: 'v', findings: [] },
      importId: 'imp-2',
    });
    expect(state().captureView).toEqual(useApp.getInitialState().captureView);
  });

  it('forgetting results (a view failed) keeps the account form and the demo only', () => {
    state().demoStarted(demo);
    state().runProgressed({ type: 'matrix-finished', result: result(1) });
    state().selectArrow(2);
    const { form } = state();
    state().forgetResults();
    expect(state()).toMatchObject({ step: 'account', result: null, selectedSeq: null, demo, form });
  });
});
