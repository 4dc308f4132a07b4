export const en = {
  app: { name: 'Banter', loading: 'Loading…' },
} as const;
