// The ladder in the app. A click on a ladder arrow renders what the selection changes — the arrow that gains it, the one
// that loses it (or the Tab stop), and the raw message pane — and nothing else: not the results
// page, not the ladder view, whose layout stays the very same object. Renders are counted in the
// built app by a stand-in for the React DevTools hook (react-commits.ts), not by timing. And the
// drawing is styled by the one ladder stylesheet that exported SVG carries (under the app's CSP).
import { expect, it } from 'vitest';
import { LADDER_CSS } from '../../shared/ladder/style.js';
import { runDemo, verdictComplete } from './harness.js';
import { describeInBrowser } from './describe-in-browser.js';
import { componentRendered, markRenders, recordRenders, renderedSince } from './react-commits.js';

/** Both copies (current and work in progress) of the ladder view's layout, the value of its first hook (useMemo). */
const layoutObjects = `(() => {
  const el = document.querySelector('[data-testid="ladder-viewport"]');
  const key = Object.keys(el).find((k) => k.startsWith('__reactFiber$'));
  let f = el[key].return;
  while (f.tag !== 0) f = f.return;
  return [f, f.alternate].filter(Boolean).map((x) => x.memoizedState.memoizedState[0]);
})()`;

describeInBrowser('the ladder in the app', (app) => {
  it('selecting an arrow renders the arrows whose selection changed and the raw message, not the page or the ladder layout', async () => {
    const page = await app.open();
    await recordRenders(page);
    await runDemo(page, 'healthy');
    await verdictComplete(page);
    const arrows = page.locator('g.arrow[role="button"]');
    const [first = '', second = '', third = ''] = await arrows.evaluateAll((gs) => gs.slice(0, 3).map((g) => g.getAttribute('data-testid') ?? ''));
    const seqOf = (testId: string): string => testId.replace('ladder-arrow-', '');
    await page.evaluate(`window.layoutsBefore = ${layoutObjects}`);

    // Nothing selected yet: the second arrow takes the selection, the first gives up the Tab stop.
    await markRenders(page);
    await page.getByTestId(second).click();
    await page
      .getByTestId('raw-message')
      .locator('h3', { hasText: `#${seqOf(second)} ` })
      .waitFor();
    expect(await renderedSince(page)).toEqual([first, second, 'raw-message'].sort());
    expect(await page.getByTestId(second).getAttribute('class')).toContain('selected');
    expect(await page.locator('g.arrow[tabindex="0"]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-testid')))).toEqual([second]);

    // From one arrow to another: those two and the raw message.
    await markRenders(page);
    await page.getByTestId(third).click();
    await page
      .getByTestId('raw-message')
      .locator('h3', { hasText: `#${seqOf(third)} ` })
      .waitFor();
    expect(await renderedSince(page)).toEqual([second, third, 'raw-message'].sort());
    expect(await componentRendered(page, '[data-testid="ladder-viewport"]')).toBe(false);
    expect(await componentRendered(page, '[data-testid="verdict"]', '[data-testid="ladder"]')).toBe(false);
    expect(await componentRendered(page, '[data-testid="raw-message"]')).toBe(true);
    // The layout the ladder view holds is the object computed before the clicks.
    expect(await page.evaluate(`${layoutObjects}.every((l) => window.layoutsBefore.includes(l))`)).toBe(true);

    // The recorder sees a page render: going back to the form renders the app again.
    await markRenders(page);
    await page.getByTestId('check-again').click();
    await page.getByTestId('run-button').waitFor();
    expect((await renderedSince(page)).length).toBeGreaterThan(3);
    await page.close();
  });

  it('is styled by the ladder stylesheet the exported SVG carries', async () => {
    const page = await app.open();
    await runDemo(page, 'healthy');
    await verdictComplete(page);
    // The page adopted the stylesheet's rules exactly (as this browser reads them), and they apply.
    const rules = (css: string): Promise<string[]> =>
      page.evaluate((text) => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(text);
        return Array.from(sheet.cssRules, (r) => r.cssText);
      }, css);
    const adopted = await page.evaluate(() => document.adoptedStyleSheets.map((s) => Array.from(s.cssRules, (r) => r.cssText)));
    expect(adopted).toContainEqual(await rules(LADDER_CSS));
    const style = (selector: string): Promise<string[]> =>
      page
        .locator(selector)
        .first()
        .evaluate((el) => {
          const s = getComputedStyle(el);
          return [s.stroke, s.strokeDasharray, s.strokeWidth];
        });
    expect(await style('[data-testid="ladder"] .lane-router')).toEqual(['rgb(156, 163, 175)', '4px, 4px', '1px']);
    expect(await style('[data-testid="ladder"] .arrow line')).toEqual(['rgb(17, 24, 39)', 'none', '1.6px']);
    await page.close();
  });
});
