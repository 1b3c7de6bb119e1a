// Types of sessiond.js: the browser side of sessiond's live connection.

export interface ConnectOptions {
  /** sessiond's base URL, e.g. "https://sessions.example.com"; default: this page's origin. */
  url?: string;
  /**
   * The session token, sent as `?token=` on the socket and as a bearer token to /api/me/*.
   * Without it the browser's session cookie is used (sessiond's own origin only).
   */
  token?: string;
  /** Reconnect delays: each is random in [0, min(max, base × 2^attempt)] ms (at least 100). Default 1000 and 30000. */
  backoff?: { base?: number; max?: number };
  /**
   * Milliseconds without a frame before the socket counts as lost; default three of the server's
   * heartbeats and at least 10 s (`heartbeat_interval` of system/init: 30 s at the server's
   * default 10 s), 45000 until it is told.
   */
  silence?: number;
}

/** Connection state of a session, as the server counts it. */
export interface SessionState {
  is_connected: boolean;
  is_watching: boolean;
  connections: number;
  connected_since?: string;
  not_connected_since?: string;
}

/** One of the user's sessions: a device where they are signed in. */
export interface Device {
  id: string;
  user_id: string;
  profile: Record<string, unknown>;
  state: SessionState;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string;
  user_agent: string;
  /** A readable name of the browser and system, e.g. "Firefox on Linux". */
  client: string;
  /** True for the session this connection belongs to. */
  current?: boolean;
}

/** The server's `system/init` payload: whose connection this is. */
export interface Me {
  session_id: string;
  user_id: string;
  profile: Record<string, unknown>;
  /** Seconds between the server's heartbeats (--ws-heartbeat). */
  heartbeat_interval: number;
  [field: string]: unknown;
}

/** Why the session ended; 'ended' for a code this version does not know (any 4000-4999 but 4001 and 4009), or 401 found at a reconnect. */
export type SignedOutReason =
  | 'logged_out'
  | 'revoked'
  | 'user_interrupted'
  | 'cleared'
  | 'member_changed'
  | 'expired'
  | 'evicted'
  | 'signed_out_elsewhere'
  | 'provider_logout'
  | 'ended';

export interface SignedOut {
  /** The WebSocket close code (4002-4008, 4010, 4011, any other 40xx), or 401 when a reconnect found the session gone. */
  code: number;
  reason: SignedOutReason;
  /** The server's words, e.g. "signed out from another device". */
  message: string;
}

export interface Disconnected {
  /** 4001: an administrator dropped the socket; the session is still valid and the module reconnects. */
  code: 4001;
  reason: 'disconnected';
  message: string;
}

export type State = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StateChange {
  state: State;
  /** 'open': the server's system/init. */
  session?: Me;
  /** 'reconnecting': the how-manyth try this is, and in how many milliseconds. */
  attempt?: number;
  delay?: number;
  /** 'reconnecting' and 'closed': the close code that caused it. */
  code?: number;
}

/** A frame from the server: `{"event": "session/created", "payload": {...}}`. */
export interface Frame {
  event: string;
  payload?: any;
}

export interface Events {
  /** The session ended: the module stops; sign the user in again. */
  signedout: SignedOut;
  /** An administrator dropped the connection; the module reconnects. */
  disconnected: Disconnected;
  state: StateChange;
  /** The user's sessions, current first as the server lists them, after every change. */
  devices: Device[];
  /** Every frame the server sends (admins' sockets carry every session's events). */
  message: Frame;
}

/** An error answer of sessiond: its `message`, and the HTTP status. */
export interface ApiError extends Error {
  status: number;
}

export interface Session {
  readonly state: State;
  /** Whose connection this is, once open. */
  readonly me: Me | null;
  /** Calls `listener` on each event of `type`; returns the function that stops it. */
  on<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): () => void;
  /** Closes the socket for good (no reconnect); the session itself stays signed in. */
  close(): void;
  /** GET /api/me/sessions: the user's sessions. */
  devices(): Promise<Device[]>;
  /** DELETE /api/me/sessions/{id}: signs out one of the user's sessions (this one too). */
  signOut(id: string): Promise<null>;
  /** POST /api/me/sessions/revoke-others: signs out every other session; resolves to how many. */
  signOutOthers(): Promise<number>;
  /** POST /api/me/password: changes the password, which signs out every other session. */
  changePassword(current: string, next: string): Promise<null>;
  /** Any sessiond call with this connection's credentials; rejects with an ApiError. */
  call<T = any>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/** Opens the live connection (`/api/ws?feed=own`) and keeps it open until the session ends or close() is called. */
export function connect(options?: ConnectOptions): Session;
