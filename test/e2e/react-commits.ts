// Which React components rendered, seen from outside the app: a stand-in for the React DevTools
// hook (window.__REACT_DEVTOOLS_GLOBAL_HOOK__, which React DOM calls on every commit, production
// builds included) records every class or function component that rendered in each commit, the
// way DevTools decides it: a component is reached only where its parent's children were
// reconciled in that commit, and it rendered if it mounted or performed work (React's
// PerformedWork flag). Components are named by the DOM they draw (their first host element),
// since the built app's function names are minified.
import type { Page } from 'playwright-core';

/** Runs in the page before React loads (page.addInitScript). */
function installRecorder(): void {
  type Fiber = { tag: number; flags: number; alternate: Fiber | null; child: Fiber | null; sibling: Fiber | null };
  // React's work tags: function, class, forwardRef, memo, simple memo components; flag PerformedWork.
  const COMPONENT_TAGS = new Set([0, 1, 11, 14, 15]);
  const PERFORMED_WORK = 1;
  const w = window as unknown as { __rendered: Set<Fiber>; __REACT_DEVTOOLS_GLOBAL_HOOK__: unknown };
  w.__rendered = new Set();
  const visit = (f: Fiber): void => {
    const mounted = f.alternate === null;
    if (COMPONENT_TAGS.has(f.tag) && (mounted || (f.flags & PERFORMED_WORK) !== 0)) w.__rendered.add(f);
    // A parent that kept its children (bailed out) did not render any of them in this commit.
    if (!mounted && f.child === f.alternate!.child) return;
    for (let c = f.child; c; c = c.sibling) visit(c);
  };
  w.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => undefined,
    onCommitFiberRoot: (_renderer: number, root: { current: Fiber }) => visit(root.current),
    onCommitFiberUnmount: () => undefined,
    onPostCommitFiberRoot: () => undefined,
  };
}

/** Opens the app's page again with the recorder in place (React must find the hook when it loads). */
export async function recordRenders(page: Page): Promise<void> {
  await page.addInitScript(installRecorder);
  await page.reload();
}

/** Animation frames in a row without a commit that make the page quiet, and how many frames to wait at most for that. */
const QUIET_FRAMES = 2;
const MAX_FRAMES = 300;

/**
 * Waits until the page is quiet (no commit for QUIET_FRAMES frames: late renders of what was
 * shown before, such as a chart measuring itself, are not counted), then forgets the renders so
 * far: what `renderedSince` returns starts here.
 */
export async function markRenders(page: Page): Promise<void> {
  const quiet = await page.evaluate(
    ([needed, most]) =>
      new Promise<boolean>((resolve) => {
        const rendered = (window as unknown as { __rendered: Set<unknown> }).__rendered;
        let calm = 0;
        let frames = 0;
        rendered.clear();
        const frame = (): void => {
          calm = rendered.size ? 0 : calm + 1;
          rendered.clear();
          if (calm >= needed!) return resolve(true);
          if (++frames >= most!) return resolve(false);
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    [QUIET_FRAMES, MAX_FRAMES],
  );
  if (!quiet) throw new Error(`the page kept rendering for ${MAX_FRAMES} frames`);
}

/** Names a component by its first host element: its data-testid, else tag and classes. */
export async function renderedSince(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Fiber = { tag: number; child: Fiber | null; stateNode: unknown };
    const HOST_COMPONENT = 5;
    return [...(window as unknown as { __rendered: Set<Fiber> }).__rendered]
      .map((f) => {
        let c = f.child;
        while (c && c.tag !== HOST_COMPONENT) c = c.child;
        const el = c?.stateNode as Element | undefined;
        return el ? (el.getAttribute('data-testid') ?? `${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''}`) : '(no element)';
      })
      .sort();
  });
}

/**
 * Whether the component that draws `selector`'s element directly (its nearest component ancestor,
 * or with `containing`, the nearest one that also holds that element) rendered since the mark.
 */
export async function componentRendered(page: Page, selector: string, containing?: string): Promise<boolean> {
  return page.evaluate(
    ([sel, other]) => {
      type Fiber = { tag: number; return: Fiber | null; alternate: Fiber | null };
      const COMPONENT_TAGS = new Set([0, 1, 11, 14, 15]);
      const components = (el: Element | null): Fiber[] => {
        if (!el) throw new Error(`no element for ${sel} / ${other}`);
        const key = Object.keys(el).find((k) => k.startsWith('__reactFiber$'))!;
        const chain: Fiber[] = [];
        for (let f = (el as unknown as Record<string, Fiber>)[key]!.return; f; f = f.return) if (COMPONENT_TAGS.has(f.tag)) chain.push(f);
        return chain;
      };
      // A fiber and its alternate are the same component instance (React's current and work-in-progress copies).
      const same = (a: Fiber, b: Fiber): boolean => a === b || a === b.alternate;
      const own = components(document.querySelector(sel!));
      const theirs = other ? components(document.querySelector(other)) : own;
      const target = own.find((f) => theirs.some((g) => same(f, g)))!;
      const rendered = (window as unknown as { __rendered: Set<Fiber> }).__rendered;
      return rendered.has(target) || (target.alternate !== null && rendered.has(target.alternate));
    },
    [selector, containing],
  );
}
