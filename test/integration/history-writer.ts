// Child process of the history crash test: adds runs one after another and prints each id once
// add() resolved (the run is then on disk), until it is killed.
import { HistoryStore } from '../../electron/history/store.js';
import { seed000Run } from '../fixtures/history-results.js';

const store = new HistoryStore(process.argv[2]!);
const MAX_RUNS = 500;
for (let i = 0; i < MAX_RUNS; i++) {
  const { id } = await store.add({ kind: 'watch', result: seed000Run(new Date().toISOString(), i % 2 === 0) });
  process.stdout.write(`${id}\n`);
}
