import { ProtocolError } from '../../../protocol/index.js';
import type { CommandTable } from './command.js';

export const fileCommands: CommandTable<'file_url'> = {
  // Signed links are handed out only for files the user may read now (Files.readable); unknown
  // and forbidden ids both get NO_SUCH_FILE, so ids cannot be probed. One link per file, not
  // per user: anyone who holds it may download until it expires.
  file_url: {
    auth: 'user',
    run: async (c, { file: id }) => {
      const file = await c.domain.files.readable(c.user!.record, id);
      if (!file) throw new ProtocolError('NO_SUCH_FILE', `no file with id ${JSON.stringify(id)}`);
      const ttl = c.domain.config.fileLinkTtlMs;
      const full = c.domain.fileLinks.link(file.id, 'file', ttl);
      return { file: file.id, url: full.path, thumb_url: c.domain.fileLinks.link(file.id, 'thumb', ttl).path, expires: full.expires };
    },
  },
};
