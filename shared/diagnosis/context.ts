// Builds the DiagnosisContext: decodes and parses each traced SIP message once.
import { fromBase64 } from '../hash/utf8.js';
import type { CheckResult } from '../model/results.js';
import { parseMessage } from '../sip/parse.js';
import type { DiagnosisContext } from './types.js';

export function diagnosisContext(result: CheckResult): DiagnosisContext {
  const cache = new Map<number, ReturnType<DiagnosisContext['messages']>>();
  return {
    result,
    messages(attempt) {
      let list = cache.get(attempt);
      if (!list) {
        list = [];
        for (const event of result.trace) {
          if (event.attempt !== attempt || !event.bytes || (event.kind !== 'sent' && event.kind !== 'received')) continue;
          const parsed = parseMessage(fromBase64(event.bytes));
          if (parsed.ok) list.push({ event, message: parsed.message });
        }
        cache.set(attempt, list);
      }
      return list;
    },
  };
}
