// Bundle entry of the preload (CommonJS, sandboxed): only the contract's API reaches the page.
import type { PreloadElectronLike } from './electron-like.js';
import { exposeApi } from './preload.js';

declare const require: (id: 'electron') => PreloadElectronLike;
exposeApi(require('electron'));
