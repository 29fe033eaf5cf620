// The slice of Electron's API the shell uses. The shell receives the real module at run time
// (electron/shell/entry-main.ts) and fakes in tests, so it type-checks and is tested without the
// Electron binary, which cannot be downloaded on every machine.

export interface SessionLike {
  setPermissionRequestHandler(
    handler: (wc: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void,
  ): void;
  setPermissionCheckHandler(handler: (wc: unknown, permission: string, requestingOrigin: string) => boolean): void;
}

export interface WebContentsLike {
  setWindowOpenHandler(handler: (d: { url: string }) => { action: 'deny' | 'allow' }): void;
  on(event: 'will-navigate' | 'will-attach-webview', listener: (e: { preventDefault(): void }) => void): void;
  on(event: 'destroyed', listener: () => void): void;
  send(channel: string, ...args: unknown[]): void;
  session: SessionLike;
}

export interface BrowserWindowLike {
  webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  focus(): void;
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

/** What an ipcMain handler learns of the caller: its web contents and the frame (null once it is gone). */
export interface IpcEventLike {
  sender: WebContentsLike;
  senderFrame: { url: string } | null;
}

/** A scheme made standard and secure (so 'self' in the CSP, fetch and relative URLs work as on https). */
export interface PrivilegedScheme {
  scheme: string;
  privileges: { standard: boolean; secure: boolean; supportFetchAPI: boolean };
}

export interface MainElectronLike {
  app: {
    whenReady(): Promise<void>;
    requestSingleInstanceLock(): boolean;
    on(event: 'window-all-closed', l: () => void): void;
    on(event: 'open-file', l: (e: { preventDefault(): void }, path: string) => void): void;
    on(event: 'second-instance', l: (e: unknown, argv: string[]) => void): void;
    on(event: 'web-contents-created', l: (e: unknown, contents: WebContentsLike) => void): void;
    quit(): void;
    getPath(name: 'userData'): string;
  };
  BrowserWindow: new (o: { width: number; height: number; title: string; webPreferences: WebPreferencesLike }) => BrowserWindowLike;
  ipcMain: { handle(channel: string, handler: (event: IpcEventLike, ...args: unknown[]) => unknown): void };
  protocol: { registerSchemesAsPrivileged(schemes: PrivilegedScheme[]): void; handle(scheme: string, handler: (request: Request) => Promise<Response>): void };
  shell: { openExternal(url: string): Promise<void> };
  Menu: { buildFromTemplate(t: MenuItemLike[]): unknown; setApplicationMenu(menu: unknown): void };
  dialog: {
    showOpenDialog(
      win: BrowserWindowLike,
      o: { properties: ['openFile']; filters: Array<{ name: string; extensions: string[] }> },
    ): Promise<{ canceled: boolean; filePaths: string[] }>;
  };
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
