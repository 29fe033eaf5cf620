import type { JSX } from 'react';
// The raw message behind a selected arrow, with the headers that matter highlighted.
import { fromBase64, fromUtf8 } from '../../../shared/hash/utf8.js';
import { markParts } from '../marks.js';
import { useApp } from '../store.js';

const IMPORTANT = /^(via|v|contact|m|www-authenticate|proxy-authenticate|authorization)\s*:/i;

export function RawMessage(): JSX.Element | null {
  const trace = useApp((s) => s.result?.trace);
  const selectedSeq = useApp((s) => s.selectedSeq);
  const event = trace?.find((e) => e.seq === selectedSeq);
  if (!event) return <p className="muted">Select an arrow (click, or Tab then Enter) to see the message.</p>;
  const text = event.bytes ? fromUtf8(fromBase64(event.bytes)) : (event.note ?? '');
  return (
    <section className="raw" data-testid="raw-message" aria-label={`Message #${event.seq}`}>
      <h3>
        #{event.seq} {event.kind} at {Math.round(event.t)} ms{' '}
        {event.remote ? `${event.kind === 'sent' ? 'to' : 'from'} ${event.remote.address}:${event.remote.port}` : ''}
      </h3>
      {event.note && <p className="muted">{event.note}</p>}
      <pre>
        {text.split(/\r?\n/).map((line, i) => (
          <div key={i} className={IMPORTANT.test(line) ? 'hl' : undefined}>
            {markParts(line).map((part, j) => (part.mark ? <mark key={j}>{part.text}</mark> : <span key={j}>{part.text}</span>))}
          </div>
        ))}
      </pre>
    </section>
  );
}
