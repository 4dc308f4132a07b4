import { Box, useApp } from 'ink';
import { useRef, useState } from 'react';
import { BanterError, ChatSession, formatHostPort, parseHostPort } from '../client/index.js';
import { tcpTransport } from '../client/node/tcp-transport.js';
import { ChatScreen } from './chat-screen.js';
import { Form } from './login-screen.js';

type Screen = 'login' | 'register' | 'chat';

const DEFAULT_PORT = 8888;

export interface AppProps {
  address: string;
  user?: string;
}


function reason(err: unknown): string {
  if (err instanceof BanterError) {
    if (err.code === 'DISCONNECTED') return `cannot reach the server (${err.message})`;
    return err.message;
  }
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ECONNREFUSED') return 'no Banter server answers at that address';
  return e.message ?? String(err);
}

/** The terminal client: log in or register, then chat. */
export function App({ address: initialAddress, user: initialUser = '' }: AppProps) {
  const { exit } = useApp();
  const [screen, setScreen] = useState<Screen>('login');
  const [address, setAddress] = useState(initialAddress);
  const [user, setUser] = useState(initialUser);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [session, setSession] = useState<ChatSession>();
  // What was typed, readable at once: a pasted "name\n" submits before React re-renders.
  const typed = useRef({ address: initialAddress, user: initialUser, password: '', confirm: '' });
  const setField = (name: keyof typeof typed.current, set: (v: string) => void) => (v: string) => {
    typed.current[name] = v;
    set(v);
  };
  const fieldSetters = [setField('address', setAddress), setField('user', setUser), setField('password', setPassword), setField('confirm', setConfirm)];

  const [httpBase, setHttpBase] = useState<string>();

  const openSession = (): ChatSession | null => {
    const target = parseHostPort(typed.current.address, DEFAULT_PORT);
    if ('error' in target) {
      setError(`the server address is host:port, e.g. 127.0.0.1:8888 (${target.error})`);
      return null;
    }
    const s = new ChatSession({ connect: tcpTransport(target.host, target.port), clientName: 'banter-tui' });
    s.on('state', () => {
      const port = s.serverInfo?.http_port;
      if (port) setHttpBase(`http://${formatHostPort(target.host, port)}`);
    });
    return s;
  };

  const submit = async (register: boolean): Promise<void> => {
    const { user, password, confirm } = typed.current;
    setError(undefined);
    if (!user.trim()) return setError('enter a user name');
    if (register && password !== confirm) return setError('the passwords differ');
    const s = openSession();
    if (!s) return;
    setBusy(true);
    try {
      if (register) await s.register(user.trim(), password);
      await s.login(user.trim(), password);
      setSession(s);
      setScreen('chat');
    } catch (err) {
      s.close();
      setError(reason(err));
    } finally {
      setBusy(false);
    }
  };

  if (screen === 'chat' && session) {
    return <ChatScreen session={session} address={address} httpBase={httpBase} onQuit={() => exit()} />;
  }

  const common = { busy, error };
  return (
    <Box flexDirection="column">
      {screen === 'login' ? (
        <Form
          key="login"
          {...common}
          title="Banter — log in"
          fields={[
            { label: 'Server', value: address },
            { label: 'User', value: user },
            { label: 'Password', value: password, secret: true },
          ]}
          onChange={(i, v) => fieldSetters[i]!(v)}
          onSubmit={() => void submit(false)}
          hint="Enter: next, log in · Ctrl-R: new account · Ctrl-C: quit"
          onKey={(input, key) => {
            if (key.ctrl && input === 'r') {
              setError(undefined);
              setScreen('register');
            }
          }}
        />
      ) : (
        <Form
          key="register"
          {...common}
          title="Banter — create an account"
          fields={[
            { label: 'Server', value: address },
            { label: 'User', value: user },
            { label: 'Password', value: password, secret: true },
            { label: 'Confirm', value: confirm, secret: true },
          ]}
          onChange={(i, v) => fieldSetters[i]!(v)}
          onSubmit={() => void submit(true)}
          hint="Enter: next, create · Esc: back to log in · Ctrl-C: quit"
          onKey={(_input, key) => {
            if (key.escape) {
              setError(undefined);
              setScreen('login');
            }
          }}
        />
      )}
    </Box>
  );
}
