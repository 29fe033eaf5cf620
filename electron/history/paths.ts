// Where the history file lives: one place per user for the app and the CLI alike, so runs of a
// `sipladder watch` in a terminal show up in the app's history list.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const HISTORY_FILE_NAME = 'history.sqlite';

/** SIPLADDER_HISTORY names the file; else the platform's per-user data directory. */
export function defaultHistoryFile(env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SIPLADDER_HISTORY) return env.SIPLADDER_HISTORY;
  const home = env.HOME ?? homedir();
  const base =
    platform === 'win32'
      ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (env.XDG_DATA_HOME ?? join(home, '.local', 'share'));
  return join(base, 'sipladder', HISTORY_FILE_NAME);
}
