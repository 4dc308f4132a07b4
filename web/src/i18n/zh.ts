import type { Messages } from './types.js';
export const zh: Messages = {
  app: { name: 'Banter', loading: '加载中…' },
};
