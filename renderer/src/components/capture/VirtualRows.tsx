// A scrolling table that makes DOM only for the rows in view (and a few beyond): lists of 40,000
// dialogs stay as fast as lists of 40. Rows have one fixed height and are placed absolutely.
import type { JSX, ReactNode, RefObject } from 'react';
import { useState } from 'react';

export const ROW_HEIGHT = 28;
const VIEW_HEIGHT = 420;
/** Rows rendered beyond the visible window on each side, so fast scrolling shows no gaps. */
const OVERSCAN = 10;

export function VirtualRows<T>({
  rows,
  row,
  testId,
  scroller,
}: {
  rows: readonly T[];
  /** One row, absolutely placed at `top`. */
  row(r: T, top: number): ReactNode;
  testId: string;
  scroller?: RefObject<HTMLDivElement | null>;
}): JSX.Element {
  const [scrollTop, setScrollTop] = useState(0);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const visible = rows.slice(first, first + Math.ceil(VIEW_HEIGHT / ROW_HEIGHT) + 2 * OVERSCAN);
  return (
    <div
      ref={scroller}
      role="table"
      aria-rowcount={rows.length}
      data-testid={testId}
      style={{ height: VIEW_HEIGHT, overflowY: 'auto' }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>{visible.map((r, i) => row(r, (first + i) * ROW_HEIGHT))}</div>
    </div>
  );
}
