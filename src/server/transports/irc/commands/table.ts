import { adminCommands } from './admin.js';
import { channelCommands } from './channel.js';
import { chathistoryCommands } from './chathistory.js';
import type { IrcCommand } from './command.js';
import { infoCommands } from './info.js';
import { messagingCommands } from './messaging.js';
import { registrationCommands } from './registration.js';
import { serverInfoCommands } from './server-info.js';

/** Every IRC command the gateway knows; anything else is 421 ERR_UNKNOWNCOMMAND. */
export const COMMANDS: ReadonlyMap<string, IrcCommand> = new Map(
  Object.entries({ ...registrationCommands, ...channelCommands, ...messagingCommands, ...infoCommands, ...serverInfoCommands, ...adminCommands, ...chathistoryCommands }),
);
