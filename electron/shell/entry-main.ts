// Bundle entry of the Electron main process (see build-shell.ts): hands the real electron module to the shell.
import { createRequire } from 'node:module';
import { createBackend } from '../app/backend.js';
import type { MainElectronLike } from './electron-like.js';
import { startShell } from './main.js';

declare const __SHELL_DIR__: string;
declare const __RENDERER_INDEX__: string;
const electron = createRequire(__SHELL_DIR__ + '/')('electron') as MainElectronLike;
void startShell(electron, createBackend(), { preload: `${__SHELL_DIR__}/preload.cjs`, indexHtml: __RENDERER_INDEX__ });
