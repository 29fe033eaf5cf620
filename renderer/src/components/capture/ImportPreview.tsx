// What a capture import has found so far, shown while it reads (shared/capture/preview.ts): final
// responses by method, and the latest rejections with who got them. Labelled as a preview: the
// results, when the whole file is read, judge each exchange.
import type { JSX } from 'react';
import { PREVIEW_METHODS, type CapturePreview, type ResponseCounts } from '../../../../shared/capture/preview.js';
import { countText } from '../../../../shared/capture/count-text.js';

const total = (c: ResponseCounts): number => c.ok + c.redirected + c.challenged + c.rejected;

function countsText(c: ResponseCounts): string {
  const parts = [
    `${countText(c.ok)} OK`,
    c.challenged ? `${countText(c.challenged)} challenged` : '',
    c.redirected ? `${countText(c.redirected)} redirected` : '',
    `${countText(c.rejected)} rejected`,
  ];
  return parts.filter(Boolean).join(' · ');
}

export function ImportPreview({ preview }: { preview: CapturePreview }): JSX.Element {
  const methods = PREVIEW_METHODS.filter((m) => total(preview.responses[m]) > 0);
  return (
    <div className="import-preview" data-testid="import-preview">
      <p className="muted">So far (a preview: the results judge each exchange once the whole file is read):</p>
      {methods.length === 0 ? (
        <p>No final responses yet.</p>
      ) : (
        <ul data-testid="preview-counts">
          {methods.map((m) => (
            <li key={m}>
              <strong>{m}</strong>: {countsText(preview.responses[m])}
            </li>
          ))}
        </ul>
      )}
      {preview.rejections.length > 0 && (
        <table>
          <caption>Latest rejections</caption>
          <thead>
            <tr>
              <th>At</th>
              <th>Method</th>
              <th>Answer</th>
              <th>To</th>
              <th>Call-ID</th>
            </tr>
          </thead>
          <tbody>
            {preview.rejections.map((r, i) => (
              <tr key={`${r.callId}-${r.at}-${i}`} data-testid="preview-rejection">
                <td>+{r.at.toFixed(2)} s</td>
                <td>{r.method}</td>
                <td>
                  {r.status} {r.reason}
                </td>
                <td>{r.client}</td>
                <td className="muted">{r.callId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
