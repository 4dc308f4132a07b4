import { createContext } from 'react';

/** Opens a conversation (a name in a message opens a private chat with that person); absent where nothing opens. */
export const OpenConvContext = createContext<((conv: string) => void) | undefined>(undefined);
