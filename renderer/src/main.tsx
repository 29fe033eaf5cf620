import { createRoot } from 'react-dom/client';
import { LADDER_CSS } from '../../shared/ladder/style.js';
import { App } from './App.js';
import { ErrorBoundary } from './components/ErrorBoundary.js';

// The ladder's one stylesheet, shared with exported SVG; adopted, not inlined: the CSP allows no inline <style>.
const ladderSheet = new CSSStyleSheet();
ladderSheet.replaceSync(LADDER_CSS);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, ladderSheet];

createRoot(document.getElementById('root')!).render(
  <ErrorBoundary>
    <App />
  </ErrorBoundary>,
);
