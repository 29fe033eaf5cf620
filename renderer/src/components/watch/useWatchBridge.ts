// Watch events from the backend into the store (every window sees a watch started in any of them).
import { useEffect } from 'react';
import { api } from '../../api.js';
import { useApp } from '../../store.js';

export function useWatchBridge(): void {
  useEffect(() => api.onWatchEvent((e) => useApp.getState().watchEvent(e)), []);
}
