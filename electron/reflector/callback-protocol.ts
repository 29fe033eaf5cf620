// The reflector's callback test, as both sides speak it (README "Callback test"): the client
// REGISTERs to the reflector over UDP, then asks on the same flow, with an OPTIONS that echoes the
// reflector's cookie, for callbacks after the delays in CALLBACK_HEADER. At each delay the
// reflector sends an OPTIONS and a small INVITE to the registered flow (the client answers 486).
// Limits are named here so the client can refuse what the reflector would refuse.

/** Request header with the delays in seconds ("5, 30, 120"); the answer echoes "accepted 5,30,120". */
export const CALLBACK_HEADER = 'X-SipLadder-Callback';
/** On the reflector's OPTIONS and INVITE: which delay of the schedule this callback is. */
export const CALLBACK_DELAY_HEADER = 'X-SipLadder-Callback-Delay';
/** On the reflector's INVITE: base64 of the INVITE as sent, without this header (an ALG leaves base64 alone). */
export const SENT_COPY_HEADER = 'X-SipLadder-Sent';

/** Longest delay, and callbacks per schedule. */
export const MAX_CALLBACK_DELAY_S = 300;
export const MAX_CALLBACKS_PER_SCHEDULE = 4;
/** Longest binding the callback registrar keeps (the longest delay plus room for the client's margin). */
export const MAX_CALLBACK_BINDING_S = 360;

export type Schedule = { ok: true; delaysS: number[] } | { ok: false; reason: string };

/** Parses "5, 30, 120": 1 … MAX_CALLBACKS_PER_SCHEDULE distinct whole seconds, each 1 … MAX_CALLBACK_DELAY_S. */
export function parseSchedule(text: string | undefined): Schedule {
  if (text === undefined || text.length > 64) return { ok: false, reason: 'no schedule, or one too long' };
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > MAX_CALLBACKS_PER_SCHEDULE) return { ok: false, reason: `at most ${MAX_CALLBACKS_PER_SCHEDULE} callbacks` };
  if (parts.some((p) => !/^\d{1,3}$/.test(p))) return { ok: false, reason: 'delays must be whole seconds' };
  const delaysS = parts.map(Number);
  if (delaysS.some((d) => d < 1 || d > MAX_CALLBACK_DELAY_S)) return { ok: false, reason: `delays must be 1 to ${MAX_CALLBACK_DELAY_S} s` };
  if (new Set(delaysS).size !== delaysS.length) return { ok: false, reason: 'each delay once' };
  return { ok: true, delaysS: delaysS.sort((a, b) => a - b) };
}
