// The slice of Electron's API the shell uses. The shell receives the real module at run time
// (electron/shell/entry.cjs) and fakes in tests, so it type-checks and is tested without the
// Electron binary, which cannot be downloaded on every machine.

export interface WebContentsLike {
  setWindowOpenHandler(handler: (d: { url: string }) => { action: 'deny' | 'allow' }): void;
  on(event: 'will-navigate', listener: (e: { preventDefault(): void }, url: string) => void): void;
  send(channel: string, ...args: unknown[]): void;
  session: { webRequest: { onHeadersReceived(listener: (d: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void): void } };
}

export interface BrowserWindowLike {
  webContents: WebContentsLike;
  loadFile(path: string): Promise<void>;
}

export interface WebPreferencesLike {
  contextIsolation: boolean;
  sandbox: boolean;
  nodeIntegration: boolean;
  webSecurity: boolean;
  preload: string;
}

export interface MenuItemLike {
  label?: string;
  role?: 'quit' | 'copy' | 'paste' | 'selectAll' | 'reload' | 'toggleDevTools';
  accelerator?: string;
  click?: () => void;
  submenu?: MenuItemLike[];
}

export interface MainElectronLike {
  app: {
    whenReady(): Promise<void>;
    on(event: 'window-all-closed', l: () => void): void;
    on(event: 'open-file', l: (e: { preventDefault(): void }, path: string) => void): void;
    quit(): void;
    getPath(name: 'userData'): string;
  };
  BrowserWindow: new (o: { width: number; height: number; title: string; webPreferences: WebPreferencesLike }) => BrowserWindowLike;
  ipcMain: { handle(channel: string, handler: (event: { sender: WebContentsLike }, ...args: unknown[]) => unknown): void };
  shell: { openExternal(url: string): Promise<void> };
  Menu: { buildFromTemplate(t: MenuItemLike[]): unknown; setApplicationMenu(menu: unknown): void };
  dialog: { showOpenDialog(win: BrowserWindowLike, o: { properties: ['openFile']; filters: Array<{ name: string; extensions: string[] }> }): Promise<{ canceled: boolean; filePaths: string[] }> };
  safeStorage: { isEncryptionAvailable(): boolean; encryptString(plain: string): Buffer; decryptString(encrypted: Buffer): string };
}

export interface PreloadElectronLike {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (e: unknown, payload: unknown) => void): void;
    removeListener(channel: string, listener: (e: unknown, payload: unknown) => void): void;
  };
}
